from django.urls import path

from . import views

app_name = "tallies"
urlpatterns = [
    path("me/impact/", views.impact, name="impact"),
]
