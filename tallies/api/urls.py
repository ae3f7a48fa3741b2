from django.urls import include, path

urlpatterns: list = [
    # POST/GET /api/v1/calls/ : the call-logging endpoints of the call flow.
    path("", include("tallies.api.calls_urls")),
]
