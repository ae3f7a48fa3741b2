from django.urls import include, path

from .views import CampaignTallyApi, ChapterTallyApi, MyImpactApi

urlpatterns: list = [
    # POST/GET /api/v1/calls/ : the call-logging endpoints of the call flow.
    path("", include("tallies.api.calls_urls")),
    path("campaigns/<slug:slug>/tally/", CampaignTallyApi.as_view(), name="campaign-tally"),
    path("chapters/<slug:slug>/tally/", ChapterTallyApi.as_view(), name="chapter-tally"),
    path("me/impact/", MyImpactApi.as_view(), name="my-impact"),
]
