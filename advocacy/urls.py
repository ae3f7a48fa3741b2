from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views import defaults as default_views
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.prometheus_metrics, name="metrics"),
    # The installable app: its manifest, and the service worker at the root so it covers the whole site.
    path("manifest.webmanifest", views.web_manifest, name="web_manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
    # Before allauth's own: signing out also clears what the service worker kept on this phone.
    path("accounts/logout/", account_views.logout_clearing_this_phone, name="account_logout"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("officials/", include("officials.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("", include("targetlists.urls")),
    path("", include("tallies.urls")),
    path("reminders/", include("reminders.urls")),
    path("", include("rally.urls")),
    # API
    path("api/v1/", include("advocacy.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's set-up script as a file, and templates/api_docs.html its
    # page rules as a stylesheet: the CSP allows no inline script or style.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api_docs.html"),
        name="api-docs",
    ),
    # Any other API URL ending in a slash: the JSON 404 even with DEBUG on, whose technical 404 page is HTML
    # (a client or schemathesis run against `make run` would meet it). A URL without the slash is left to
    # APPEND_SLASH, then handler404.
    re_path(r"^api/(?:.*/)?$", views.api_not_found),
]

if settings.DEBUG:
    # The error pages, viewable while developing.
    urlpatterns += [
        path("400/", default_views.bad_request, kwargs={"exception": Exception("Bad request")}),
        path("403/", default_views.permission_denied, kwargs={"exception": Exception("Forbidden")}),
        path("404/", default_views.page_not_found, kwargs={"exception": Exception("Not found")}),
        path("500/", default_views.server_error),
    ]

handler400 = "advocacy.views.bad_request"
handler404 = "advocacy.views.page_not_found"
handler500 = "advocacy.views.server_error"
