from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from careers.sitemaps import SITEMAPS
from careers.views import robots_txt

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("accounts/", include("accounts.urls")),
    path("", include("progress.urls")),
    path("", include("careers.urls")),
]

handler404 = "careers.views.page_not_found"
handler500 = "careers.views.server_error"
