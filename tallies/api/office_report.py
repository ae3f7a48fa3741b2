"""The office report (JSON and PDF) and an office's answer rates, over the API."""

from zoneinfo import ZoneInfo

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import chapter_get_for_lead
from advocacy.api.schemas import ErrorResponse
from officials.models import Office
from tallies import selectors
from tallies.office_report_pdf import office_report_pdf
from tallies.selectors import DateRange

from .serializers import DateRangeInputSerializer, outcome_rows


class OfficeReportInputSerializer(DateRangeInputSerializer):
    campaign = serializers.SlugField(
        max_length=300, help_text="The campaign's slug (the chapter's own, or a national one)."
    )
    office = serializers.IntegerField(min_value=1, max_value=2**53, help_text="The office the report is for.")


class ReportDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    calls = serializers.IntegerField()


class ReportOutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    label = serializers.CharField()
    calls = serializers.IntegerField()


class SharedNoteSerializer(serializers.Serializer):
    text = serializers.CharField()
    signature = serializers.CharField(help_text='"First name, ZIP" when the caller chose to sign, else "".')
    created_at = serializers.DateTimeField()


class OfficeReportOutputSerializer(serializers.Serializer):
    chapter = serializers.CharField(allow_blank=True, help_text='The chapter\'s slug; "" for every chapter.')
    campaign = serializers.CharField()
    campaign_title = serializers.CharField()
    office = serializers.IntegerField()
    office_title = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    time_zone = serializers.CharField()
    constituents = serializers.IntegerField(help_text="Distinct callers who called (a skip is not a call); exact.")
    calls = serializers.IntegerField(help_text="Calls made (every outcome but skipped).")
    total = serializers.IntegerField(help_text="Every logged outcome, skips included, as the dashboard counts them.")
    reached_percent = serializers.IntegerField(allow_null=True)
    first_call = serializers.DateTimeField(allow_null=True)
    last_call = serializers.DateTimeField(allow_null=True)
    by_outcome = ReportOutcomeSerializer(many=True)
    by_day = ReportDaySerializer(many=True)
    notes = SharedNoteSerializer(many=True, help_text="Only notes their callers chose to share with the office.")


def _chapter_report(request, slug):
    """The report for the chapter (its leads and staff), or for every chapter (slug None: staff, UTC days)."""
    params = OfficeReportInputSerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    if slug is None:
        if not request.user.is_staff:
            raise Http404("Not found.")
        chapter, chapter_ids, tz = None, None, ZoneInfo("UTC")
    else:
        chapter = chapter_get_for_lead(slug=slug, user=request.user)
        if chapter is None:
            raise Http404("No such chapter.")
        chapter_ids, tz = [chapter.pk], chapter.zone
    values = params.validated_data
    campaign, office = selectors.office_report_targets(
        campaign_slug=values["campaign"], office_id=values["office"], chapter_ids=chapter_ids
    )
    start, end = selectors.office_report_range(DateRange(values.get("start"), values.get("end")), tz=tz)
    return selectors.tally_office_report(
        office=office, campaign=campaign, chapter=chapter, chapter_ids=chapter_ids, start=start, end=end, tz=tz
    )


_REPORT_ERRORS = {400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse}


class OfficeReportView(APIView):
    @extend_schema(
        operation_id="office_report",
        summary="What one office heard from a chapter's callers about one campaign (its leads and staff)",
        description="Days are the chapter's own; without dates, the last 30 days. A chapter you do not lead, "
        "a campaign it cannot see or a missing office answers 404. At most 731 days (422).",
        parameters=[OfficeReportInputSerializer],
        responses={200: OfficeReportOutputSerializer, **_REPORT_ERRORS},
        tags=["tallies"],
    )
    def get(self, request, slug=None):
        report = _chapter_report(request, slug)
        data = {
            "chapter": report.chapter.slug if report.chapter is not None else "",
            "campaign": report.campaign.slug,
            "campaign_title": report.campaign.title,
            "office": report.office.pk,
            "office_title": str(report.office),
            "start": report.start,
            "end": report.end,
            "time_zone": report.zone.key,
            "constituents": report.constituents,
            "calls": report.calls,
            "total": report.total,
            "reached_percent": report.reached_percent,
            "first_call": report.first_call,
            "last_call": report.last_call,
            "by_outcome": outcome_rows(report.by_outcome),
            "by_day": [{"day": d, "calls": n} for d, n in report.by_day],
            "notes": [{"text": n.text, "signature": n.signature, "created_at": n.created_at} for n in report.notes],
        }
        return Response(OfficeReportOutputSerializer(data).data)


class StaffOfficeReportView(OfficeReportView):
    @extend_schema(
        operation_id="staff_office_report",
        summary="The office report over every chapter's callers (staff only; UTC days)",
        description="As the chapter's report, for every chapter together. Anyone but staff gets 404.",
        parameters=[OfficeReportInputSerializer],
        responses={200: OfficeReportOutputSerializer, **_REPORT_ERRORS},
        tags=["tallies"],
    )
    def get(self, request):
        return super().get(request)


class OfficeReportPdfView(APIView):
    @extend_schema(
        operation_id="office_report_pdf",
        summary="The office report as a letter-style PDF (same parameters; `?lang=es` for Spanish)",
        parameters=[OfficeReportInputSerializer],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The letter."),
            **_REPORT_ERRORS,
        },
        tags=["tallies"],
    )
    def get(self, request, slug=None):
        report = _chapter_report(request, slug)
        response = HttpResponse(office_report_pdf(report), content_type="application/pdf")
        name = f"office-report-{report.campaign.slug}-{report.office.pk}-{report.start}-{report.end}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class StaffOfficeReportPdfView(OfficeReportPdfView):
    @extend_schema(
        operation_id="staff_office_report_pdf",
        summary="The every-chapter office report as a PDF (staff only)",
        parameters=[OfficeReportInputSerializer],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The letter."),
            **_REPORT_ERRORS,
        },
        tags=["tallies"],
    )
    def get(self, request):
        return super().get(request)


class RateCellSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="ISO weekday: 1 Monday .. 7 Sunday, in the office's time.")
    hour = serializers.IntegerField(help_text="0..23, the office's local hour.")
    calls = serializers.IntegerField()
    reached = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="reached / calls; null below min_sample calls.")


class HourRateSerializer(serializers.Serializer):
    hour = serializers.IntegerField()
    calls = serializers.IntegerField()
    reached = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class NumberRatesSerializer(serializers.Serializer):
    contact_point = serializers.IntegerField(allow_null=True, help_text="null: calls that named no number.")
    number = serializers.CharField(allow_blank=True)
    label = serializers.CharField(allow_blank=True)
    calls = serializers.IntegerField()
    reached = serializers.IntegerField()
    enough = serializers.BooleanField(help_text="At least min_calls calls: else 'not enough calls yet'.")
    summary = serializers.CharField()
    by_hour = HourRateSerializer(many=True)
    cells = RateCellSerializer(many=True)


class AnswerRatesOutputSerializer(serializers.Serializer):
    office = serializers.IntegerField()
    office_title = serializers.CharField()
    time_zone = serializers.CharField()
    window_days = serializers.IntegerField()
    since = serializers.DateTimeField()
    min_sample = serializers.IntegerField(help_text="Calls a cell needs before it shows a rate.")
    min_calls = serializers.IntegerField(help_text="Calls a number needs before it gives advice.")
    overall = NumberRatesSerializer()
    numbers = NumberRatesSerializer(many=True)


def _rate(calls: int, reached: int) -> float | None:
    return round(reached / calls, 4) if calls >= selectors.MIN_SAMPLE else None


def rates_data(rates) -> dict:
    cp = rates.contact_point
    return {
        "contact_point": cp.pk if cp is not None else None,
        "number": cp.value if cp is not None else "",
        "label": cp.label if cp is not None else "",
        "calls": rates.calls,
        "reached": rates.reached,
        "enough": rates.enough,
        "summary": str(rates.summary()),
        "by_hour": [
            {"hour": h, "calls": c, "reached": r, "rate": _rate(c, r)} for h, (c, r) in rates.by_hour().items()
        ],
        "cells": [
            {"weekday": wd, "hour": h, "calls": c, "reached": r, "rate": _rate(c, r)}
            for (wd, h), (c, r) in sorted(rates.cells.items())
        ],
    }


class AnswerRatesView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="official_answer_rates",
        summary="When an office answers: the share of calls that reached a person, by weekday and hour (public)",
        description="Per office and per phone number, in the office's local time, over the last 90 days. "
        "A cell with fewer than `min_sample` calls has a null rate; a number with fewer than `min_calls` "
        "says 'not enough calls yet'.",
        responses={200: AnswerRatesOutputSerializer, 404: ErrorResponse},
        tags=["officials"],
    )
    def get(self, request, pk):
        office = Office.objects.select_related("division").filter(pk=pk).first()
        if office is None:
            raise Http404("No such office.")
        rates = selectors.tally_answer_rates(offices=[office])[office.pk]
        # Built as plain values in the serializer's shape (AnswerRatesOutputSerializer documents it):
        # up to 168 cells per number made DRF's field-by-field rendering most of the request's time.
        data = {
            "office": office.pk,
            "office_title": str(office),
            "time_zone": rates.zone.key,
            "window_days": selectors.WINDOW_DAYS,
            "since": serializers.DateTimeField().to_representation(rates.since),
            "min_sample": selectors.MIN_SAMPLE,
            "min_calls": selectors.MIN_CALLS,
            "overall": rates_data(rates.overall),
            "numbers": [rates_data(r) for r in rates.numbers],
        }
        return Response(data)
