from django.urls import path

from .calls import CallListCreateView

urlpatterns = [
    path("calls/", CallListCreateView.as_view(), name="calls"),
]
