from django.urls import path

from .calls import CallBatchCreateView, CallUndoView, CallViewSet

urlpatterns = [
    path("calls/", CallViewSet.as_view({"get": "list", "post": "create"}), name="calls"),
    path("calls/batch/", CallBatchCreateView.as_view(), name="calls-batch"),
    path("calls/<int:pk>/undo/", CallUndoView.as_view(), name="call-undo"),
]
