from django.urls import path

from .calls import CallBatchCreateView, CallListCreateView

urlpatterns = [
    path("calls/", CallListCreateView.as_view(), name="calls"),
    path("calls/batch/", CallBatchCreateView.as_view(), name="calls-batch"),
]
