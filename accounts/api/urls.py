from django.urls import path

from . import views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("me/export/", views.MyDataExportView.as_view(), name="me-export"),
    path("chapters/", views.MyChapterViewSet.as_view({"get": "list"}), name="chapter-list"),
    path("chapters/<slug:slug>/", views.MyChapterViewSet.as_view({"get": "retrieve"}), name="chapter-detail"),
]
