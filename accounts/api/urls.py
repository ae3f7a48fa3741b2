from django.urls import path

from . import views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("me/export/", views.MyDataExportView.as_view(), name="me-export"),
    path("chapters/", views.MyChapterListView.as_view(), name="chapter-list"),
    path("chapters/<slug:slug>/", views.MyChapterDetailView.as_view(), name="chapter-detail"),
]
