from django.urls import path

from . import salaries, views

app_name = "careers"

urlpatterns = [
    path("", views.home, name="home"),
    path("sources/", views.sources, name="sources"),
    path("search/", views.search, name="search"),
    path("<slug:career_slug>/", views.overview, name="overview"),
    path("<slug:career_slug>/steps/<slug:step_slug>/", views.step, name="step"),
    path("<slug:career_slug>/skills/", views.skills, name="skills"),
    path("<slug:career_slug>/salaries/", salaries.salaries, name="salaries"),
    path("<slug:career_slug>/faqs/", views.faqs, name="faqs"),
    path("<slug:career_slug>/market/", views.market, name="market"),
]
