"""The office report as a page, a CSV and a PDF; its share links, and the page a share link opens."""

import csv
import io
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.selectors import chapter_get_for_lead
from advocacy.errors import NotFound

from .. import selectors, services
from ..office_report_pdf import office_report_pdf
from ..selectors import DateOutOfRange, DateRange

UTC = zoneinfo.ZoneInfo("UTC")


def _scope(request, slug):
    """(chapter or None, chapter ids or None, zone) for a lead's chapter, or every chapter for staff."""
    if slug is None:
        if not request.user.is_staff:
            raise PermissionDenied(_("Only staff can see every chapter's report."))
        return None, None, UTC
    chapter = chapter_get_for_lead(slug=slug, user=request.user)
    if chapter is None:
        raise Http404("No such chapter.")
    return chapter, [chapter.pk], chapter.zone


def _report(request, *, chapter, chapter_ids, tz, params):
    try:
        date_range, _errors = DateRange.parse(params.get("start"), params.get("end"))
    except DateOutOfRange as exc:
        raise BadRequest(str(exc)) from exc
    campaign, office = selectors.office_report_targets(
        campaign_slug=params.get("campaign", ""), office_id=params.get("office"), chapter_ids=chapter_ids
    )
    start, end = selectors.office_report_range(date_range, tz=tz)
    return selectors.tally_office_report(
        office=office, campaign=campaign, chapter=chapter, chapter_ids=chapter_ids, start=start, end=end, tz=tz
    )


def _filename(report, ext: str) -> str:
    return f"office-report-{report.campaign.slug}-{report.office.pk}-{report.start}-{report.end}.{ext}"


def _pdf_response(report, *, language: str | None = None) -> HttpResponse:
    with translation.override(language or translation.get_language()):
        body = office_report_pdf(report)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "pdf")}"'
    return response


def csv_rows(report):
    """The report as rows (section, key, value): figures, days and the shared notes."""
    yield ["section", "key", "value"]
    yield ["office", report.office.pk, str(report.office)]
    yield ["campaign", report.campaign.slug, report.campaign.title]
    yield ["chapter", report.chapter.slug if report.chapter else "", report.chapter_name or "All chapters"]
    yield ["range", "start", report.start.isoformat()]
    yield ["range", "end", report.end.isoformat()]
    yield ["range", "time_zone", report.zone.key]
    yield ["figure", "constituents", report.constituents]
    yield ["figure", "calls", report.calls]
    yield ["figure", "reached_percent", "" if report.reached_percent is None else report.reached_percent]
    yield ["figure", "first_call", report.first_call.isoformat() if report.first_call else ""]
    yield ["figure", "last_call", report.last_call.isoformat() if report.last_call else ""]
    for value, _label, n in report.by_outcome:
        yield ["outcome", value, n]
    for day, n in report.by_day:
        yield ["day", day.isoformat(), n]
    for note in report.notes:
        yield ["note", note.signature, note.text]


def _csv_safe(cell):
    # A spreadsheet must not run a caller's note as a formula.
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell


def _csv_response(report) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in csv_rows(report):
        writer.writerow([_csv_safe(cell) for cell in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "csv")}"'
    return response


def _render_report(request, *, slug, fmt):
    if fmt not in ("html", "csv", "pdf"):
        raise Http404("No such format.")
    chapter, chapter_ids, tz = _scope(request, slug)
    if not request.GET.get("campaign") or not request.GET.get("office"):
        if fmt != "html":
            raise BadRequest(_("Choose a campaign and an office."))
        report = None
    else:
        report = _report(request, chapter=chapter, chapter_ids=chapter_ids, tz=tz, params=request.GET)
    if fmt == "csv":
        return _csv_response(report)
    if fmt == "pdf":
        return _pdf_response(report)
    campaigns, offices = selectors.office_report_choices(chapter_ids=chapter_ids)
    context = {"chapter": chapter, "campaigns": campaigns, "offices": offices, "query": request.GET}
    if report is None:
        return render(request, "tallies/office_report.html", context)
    shares = selectors.office_report_shares(chapter=chapter, campaign=report.campaign, office=report.office)
    here = {"campaign": report.campaign.slug, "office": report.office.pk, "start": report.start, "end": report.end}
    context.update(
        report=report,
        report_query=urlencode(here),
        shares=[(share, request.build_absolute_uri(_share_url(share))) for share in shares],
        default_share_days=services.DEFAULT_SHARE_DAYS,
        max_share_days=services.MAX_SHARE_DAYS,
        chart_data={
            "labels": [d.isoformat() for d, _n in report.by_day],
            "counts": [n for _d, n in report.by_day],
            "series_label": _("Calls"),
            "call_days": [False] * len(report.by_day),
        },
    )
    return render(request, "tallies/office_report.html", context)


def _share_url(share) -> str:
    return reverse("tallies:office_report_shared", args=[services.office_report_share_token(share)])


@login_required
@require_GET
def chapter_office_report(request, slug, fmt="html"):
    return _render_report(request, slug=slug, fmt=fmt)


@login_required
@require_GET
def staff_office_report(request, fmt="html"):
    return _render_report(request, slug=None, fmt=fmt)


@login_required
@require_POST
def office_report_share_create(request, slug=None):
    chapter, chapter_ids, tz = _scope(request, slug)
    report = _report(request, chapter=chapter, chapter_ids=chapter_ids, tz=tz, params=request.POST)
    try:
        days = int(request.POST.get("days") or services.DEFAULT_SHARE_DAYS)
    except ValueError as exc:
        raise BadRequest(_("Enter a number of days.")) from exc
    share = services.office_report_share_create(
        user=request.user,
        chapter=chapter,
        campaign=report.campaign,
        office=report.office,
        start=report.start,
        end=report.end,
        language=translation.get_language(),
        days=days,
    )
    messages.success(request, _("Share link created. Copy it from the list below."))
    return redirect(_report_url(chapter, share))


def _report_url(chapter, share) -> str:
    base = (
        reverse("tallies:chapter_office_report", args=[chapter.slug])
        if chapter is not None
        else reverse("tallies:staff_office_report")
    )
    query = {"campaign": share.campaign.slug, "office": share.office_id, "start": share.start, "end": share.end}
    return f"{base}?{urlencode(query)}#shares"


@login_required
@require_POST
def office_report_share_revoke(request, share_id):
    share = services.office_report_share_revoke(share_id=share_id, user=request.user)
    messages.success(request, _("Share link revoked: it no longer opens the report."))
    return redirect(_report_url(share.chapter, share))


@require_GET
def office_report_shared(request, token, fmt="html"):
    """The report behind a share link, for anyone holding it; nothing else of the site's data."""
    share = services.office_report_share_open(token=token)
    if share is None:
        raise NotFound()
    tz = share.chapter.zone if share.chapter is not None else UTC
    chapter_ids = [share.chapter_id] if share.chapter_id else None
    report = selectors.tally_office_report(
        office=share.office,
        campaign=share.campaign,
        chapter=share.chapter,
        chapter_ids=chapter_ids,
        start=share.start,
        end=share.end,
        tz=tz,
    )
    if fmt == "pdf":
        response = _pdf_response(report)
    else:
        context = {
            "report": report,
            "shared": True,
            "pdf_url": reverse("tallies:office_report_shared_pdf", args=[token]),
            "chart_data": {
                "labels": [d.isoformat() for d, _n in report.by_day],
                "counts": [n for _d, n in report.by_day],
                "series_label": _("Calls"),
                "call_days": [False] * len(report.by_day),
            },
        }
        response = render(request, "tallies/office_report_shared.html", context)
    # The link is the key: keep it out of caches, referrers and search engines.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
