from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView, TemplateView

from careers.sitemaps import SITEMAPS
from progress.limits import limited
from progress.views import never_stored

urlpatterns = [
    # The admin's sign-in counts against the same limit per address as the site's own.
    path("admin/login/", never_stored(limited("sign_in")(admin.site.login))),
    # Its password change checks the password as the site's own does, against the same limit.
    path(
        "admin/password_change/",
        admin.site.admin_view(limited("password")(admin.site.password_change)),
    ),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    # Browsers ask for /favicon.ico wherever a page names no icon (the admin, for one). The
    # redirect is temporary because the icon's hashed name changes with it, and its address is
    # looked up lazily so that importing the URLs never needs the static files manifest.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg")), name="favicon"),
    path("accounts/", include("accounts.urls")),
    path("", include("progress.urls")),
    path("", include("careers.urls")),
]

handler400 = "roadmap_site.middleware.bad_request"
handler404 = "careers.views.page_not_found"
