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
    # The office report: a page, its CSV and PDF, and share links.
    path("chapters/<slug:slug>/office-report/", views.chapter_office_report, name="chapter_office_report"),
    path(
        "chapters/<slug:slug>/office-report.<str:fmt>",
        views.chapter_office_report,
        name="chapter_office_report_format",
    ),
    path(
        "chapters/<slug:slug>/office-report/shares/",
        views.office_report_share_create,
        name="chapter_office_report_share",
    ),
    path("staff/office-report/", views.staff_office_report, name="staff_office_report"),
    path("staff/office-report.<str:fmt>", views.staff_office_report, name="staff_office_report_format"),
    path("staff/office-report/shares/", views.office_report_share_create, name="staff_office_report_share"),
    path(
        "office-report/shares/<int:share_id>/revoke/",
        views.office_report_share_revoke,
        name="office_report_share_revoke",
    ),
    path("reports/<str:token>/", views.office_report_shared, name="office_report_shared"),
    path(
        "reports/<str:token>/report.pdf",
        views.office_report_shared,
        {"fmt": "pdf"},
        name="office_report_shared_pdf",
    ),
    # An official's page with its answer rates.
    path("officials/<int:pk>/", views.office_detail, name="office_detail"),
]
