"""Every app's API under /api/v1/. Each app lays out its own endpoints in `<app>/api/urls.py`."""

from django.urls import include, path

app_name = "api"
urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("officials.api.urls")),
    path("", include("campaigns.api.urls")),
    path("", include("targetlists.api.urls")),
    path("", include("tallies.api.urls")),
    path("", include("rally.api.urls")),
]
