from django.urls import path

from . import views

app_name = "tallies"
urlpatterns = [
    path("me/impact/", views.impact, name="impact"),
    path("chapters/<slug:slug>/dashboard/", views.chapter_dashboard, name="chapter_dashboard"),
    path(
        "chapters/<slug:slug>/dashboard/<str:kind>.csv",
        views.chapter_export,
        name="chapter_export",
    ),
    path("staff/dashboard/", views.staff_dashboard, name="staff_dashboard"),
    path("staff/dashboard/<str:kind>.csv", views.staff_export, name="staff_export"),
    path("campaigns/<slug:slug>/widget/", views.campaign_widget, name="campaign_widget"),
]
