from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("chapters/", views.chapter_list, name="chapter_list"),
]
