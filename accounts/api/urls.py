from django.urls import path

from . import views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("chapters/", views.MyChapterListView.as_view(), name="chapter-list"),
    path("chapters/<slug:slug>/", views.MyChapterDetailView.as_view(), name="chapter-detail"),
]
