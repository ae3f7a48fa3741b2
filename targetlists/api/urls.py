from django.urls import path

from . import views

_collection = views.TargetListViewSet.as_view({"get": "list", "post": "create"})
_item = views.TargetListViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)

urlpatterns = [
    path("chapters/<slug:slug>/target-lists/", _collection, name="target-list-list"),
    path("chapters/<slug:slug>/target-lists/<int:pk>/", _item, name="target-list-detail"),
]
