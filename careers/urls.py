from django.urls import path

from . import salaries, views
from .roadmap import LEARNING

app_name = "careers"

urlpatterns = [
    path("", views.home, name="home"),
    path("sources/", views.sources, name="sources"),
    path("search/", views.search, name="search"),
    path("<slug:career_slug>/", views.overview, name="overview"),
    path("<slug:career_slug>/steps/<slug:stage_slug>/", views.road_stage, name="step"),
    path("<slug:career_slug>/skills/", views.road_stage, {"stage_slug": LEARNING}, name="skills"),
    path("<slug:career_slug>/salaries/", salaries.salaries, name="salaries"),
    path("<slug:career_slug>/faqs/", views.faqs, name="faqs"),
    path("<slug:career_slug>/market/", views.market, name="market"),
]
