from django.urls import include, path

from .office_report import (
    AnswerRatesView,
    OfficeReportPdfView,
    OfficeReportView,
    StaffOfficeReportPdfView,
    StaffOfficeReportView,
)
from .views import CampaignTallyView, ChapterTallyView, MyImpactView

urlpatterns: list = [
    # POST/GET /api/v1/calls/ : the call-logging endpoints of the call flow.
    path("", include("tallies.api.calls_urls")),
    path("campaigns/<slug:slug>/tally/", CampaignTallyView.as_view(), name="campaign-tally"),
    path("chapters/<slug:slug>/tally/", ChapterTallyView.as_view(), name="chapter-tally"),
    path("me/impact/", MyImpactView.as_view(), name="my-impact"),
    path("chapters/<slug:slug>/office-report/", OfficeReportView.as_view(), name="office-report"),
    # <str:> so that any chapter name reaches the view, which answers a 404 (a non-slug would be redirected).
    path("chapters/<str:slug>/office-report.pdf", OfficeReportPdfView.as_view(), name="office-report-pdf"),
    path("staff/office-report/", StaffOfficeReportView.as_view(), name="staff-office-report"),
    path("staff/office-report.pdf", StaffOfficeReportPdfView.as_view(), name="staff-office-report-pdf"),
    path("officials/<int:pk>/answer-rates/", AnswerRatesView.as_view(), name="official-answer-rates"),
]
