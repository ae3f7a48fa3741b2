"""Dashboards, CSV exports, the public widget and "My impact". Every figure comes from tallies.selectors."""

import csv
import datetime as dt
from http import HTTPStatus

from csp.decorators import csp_replace
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from accounts.selectors import chapter_get_for_lead
from accounts.time_zones import zone_display_name
from campaigns.selectors import campaign_get_for_tally

from .. import selectors
from ..selectors import DateOutOfRange, DateRange
from .snapshots import dashboard_snapshot, public_widget_html

RECENT_DAYS = 60
FIGURES_TEMPLATE = "tallies/includes/_dashboard_figures.html"


def _chapter_for_lead(request, slug: str):
    """The chapter, if the user leads it or is staff; else 404, whether or not it exists."""
    chapter = chapter_get_for_lead(slug=slug, user=request.user)
    if chapter is None:
        raise Http404("No such chapter.")
    return chapter


def _staff_only(request) -> None:
    if not request.user.is_staff:
        raise PermissionDenied("Only staff can see the all-chapters dashboard.")


def _date_range(request) -> tuple[DateRange, list[str]]:
    try:
        return DateRange.parse(request.GET.get("start"), request.GET.get("end"))
    except DateOutOfRange as exc:
        raise BadRequest(str(exc)) from exc


def _before_id(request) -> int | None:
    try:
        value = int(request.GET.get("notes_before", ""))
    except ValueError:
        return None
    return value if value > 0 else None


_DELETED = mark_safe('<span class="muted">Deleted account</span>')


def _zone(chapter):
    """A chapter dashboard counts the chapter's own days; the staff one UTC days."""
    return chapter.zone if chapter is not None else None


def _gathered_at(snapshot, tz) -> str:
    """When the figures were gathered, in the zone the page counts days in."""
    return snapshot.computed_at.astimezone(tz or dt.UTC).strftime("%H:%M:%S")


def _render_dashboard(request, *, chapter, chapter_ids):
    date_range, errors = _date_range(request)
    tz = _zone(chapter)
    zone_label = zone_display_name(tz.key) if tz else "UTC"
    query = request.GET.urlencode()

    def figures_context(snapshot):
        board = snapshot.board
        marked = {row.day.isoformat() for row in snapshot.call_days}
        return {
            "chapter": chapter,
            "zone_label": zone_label,
            "call_days": snapshot.call_days,
            "board": board,
            # Display rows for the long tables, rendered by {% tally_rows %} (see tally_format).
            "office_rows": [(str(office), office.state_code, n) for office, n in board.by_office],
            "member_rows": [(user.display_name if user else _DELETED, n) for user, n in board.by_member],
            "notes": snapshot.notes,
            "next_before": snapshot.next_before,
            "errors": errors,
            # The chart draws every day; the table (for screen readers and no-JS) the latest ones,
            # so the page does not grow with the years. The figures CSV has every day.
            "recent_days": [(day.isoformat(), n) for day, n in board.by_day[-RECENT_DAYS:]],
            "chart_data": {
                "labels": [d.isoformat() for d, _ in board.by_day],
                "counts": [n for _, n in board.by_day],
                # Call days are drawn in another colour; the table under the chart names them.
                "call_days": [d.isoformat() in marked for d, _ in board.by_day],
                # The chart's series name, in the page's language (the script has no catalog).
                "series_label": gettext("Calls"),
            },
            "query": query,
            "computed_at": _gathered_at(snapshot, tz),
        }

    if request.htmx and request.GET.get("notes_before"):
        snapshot = dashboard_snapshot(
            chapter=chapter, chapter_ids=chapter_ids, date_range=date_range, tz=tz, before_id=_before_id(request)
        )
        return render(request, "tallies/includes/_notes.html", figures_context(snapshot))
    snapshot = dashboard_snapshot(
        chapter=chapter,
        chapter_ids=chapter_ids,
        date_range=date_range,
        tz=tz,
        before_id=_before_id(request),
        page=(query, lambda snap: render_to_string(FIGURES_TEMPLATE, figures_context(snap))),
    )
    context = {
        "chapter": chapter,
        "zone_label": zone_label,
        "board": snapshot.board,
        "computed_at": _gathered_at(snapshot, tz),
        "figures_html": snapshot.html,
    }
    if chapter is not None and chapter.is_lead:
        # Known already: spares the base menu's context processor its query.
        context["user_leads_a_chapter"] = True
    return render(request, "tallies/dashboard.html", context)


@login_required
@require_GET
def chapter_dashboard(request, slug):
    chapter = _chapter_for_lead(request, slug)
    return _render_dashboard(request, chapter=chapter, chapter_ids=[chapter.pk])


@login_required
@require_GET
def staff_dashboard(request):
    _staff_only(request)
    return _render_dashboard(request, chapter=None, chapter_ids=None)


class _Echo:
    def write(self, value):
        return value


def _csv_response(rows, filename: str) -> StreamingHttpResponse:
    """Streams the rows: a big export never sits in memory, and the first bytes leave at once.

    Every text cell goes through _csv_safe: member names, campaign titles, office names and
    notes are all typed by someone other than the lead who opens the file.
    """
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow([_csv_safe(cell) if isinstance(cell, str) else cell for cell in row]) for row in rows),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _figures_rows(board):
    yield ["figure", "key", "label", "calls"]
    yield ["total", "", "All calls", board.total]
    for value, label, n in board.by_outcome:
        yield ["outcome", value, label, n]
    for row in board.by_campaign:
        yield ["campaign", row["campaign"].slug, row["campaign"].title, row["n"]]
        if row["goal"]:
            yield ["campaign_goal", row["campaign"].slug, f"{row['total']} of {row['goal']}", row["total"]]
    for office, n in board.by_office:
        yield ["office", office.pk, str(office), n]
    for state, n in board.by_state:
        yield ["state", state, state, n]
    for day, n in board.by_day:
        yield ["day", day.isoformat(), day.isoformat(), n]
    for user, n in board.by_member:
        yield ["member", user.pk if user else "", user.display_name if user else "Deleted account", n]
    for chapter, n in board.by_chapter:
        yield ["chapter", chapter.slug if chapter else "", str(chapter) if chapter else "No chapter", n]


def _stamp() -> str:
    return timezone.now().strftime("%Y%m%d")


@login_required
@require_GET
def chapter_export(request, slug, kind):
    chapter = _chapter_for_lead(request, slug)
    return _export(request, chapter_ids=[chapter.pk], name=chapter.slug, kind=kind, tz=chapter.zone)


@login_required
@require_GET
def staff_export(request, kind):
    _staff_only(request)
    return _export(request, chapter_ids=None, name="all-chapters", kind=kind)


def _export(request, *, chapter_ids, name, kind, tz=None):
    date_range, _ = _date_range(request)
    if kind == "figures":
        board = selectors.tally_dashboard(chapter_ids=chapter_ids, date_range=date_range, all_members=True, tz=tz)
        return _csv_response(_figures_rows(board), f"{name}-figures-{_stamp()}.csv")
    if kind == "calls":
        calls = selectors.tally_call_logs_for_export(chapter_ids=chapter_ids, date_range=date_range, tz=tz)
        return _csv_response(_call_rows(calls, tz), f"{name}-calls-{_stamp()}.csv")
    raise Http404("No such export.")


def _call_rows(calls, tz=None):
    yield [
        "id",
        "created_at",
        "campaign",
        "action_id",
        "office",
        "official",
        "outcome",
        "chapter",
        "caller",
        "source",
        "note",
    ]
    for call_id, created_at, campaign, action_id, title, name, person, outcome, chapter, email, source, note in calls:
        yield [
            call_id,
            # With the zone's offset: a chapter's CSV reads in its own time, and stays unambiguous.
            created_at.astimezone(tz or dt.UTC).isoformat(),
            campaign,
            action_id,
            name or title,
            person or "",
            outcome,
            chapter or "",
            email or "",
            source,
            note,
        ]


def _csv_safe(text: str) -> str:
    """Keep a spreadsheet from running a cell as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
@xframe_options_exempt  # made to be embedded on partner sites; every other page keeps DENY
@csp_replace({"frame-ancestors": ["*"]})  # likewise for the CSP rule, which modern browsers obey first
def campaign_widget(request, slug):
    def render_widget() -> str:
        campaign = campaign_get_for_tally(slug=slug, user=request.user)
        figures = selectors.tally_for_campaign(campaign_id=campaign.pk)
        context = {"campaign": campaign, "figures": figures, "progress": campaign.goal_percent(figures.total)}
        return render_to_string("tallies/widget.html", context, request=request)

    if request.user.is_authenticated:  # a chapter's campaign may be theirs to see: checked every time
        response = HttpResponse(render_widget())
    else:
        response = HttpResponse(public_widget_html(slug=slug, render=render_widget))
    response["Cache-Control"] = "public, max-age=10"
    return response


@login_required
@require_GET
def impact(request):
    data = selectors.tally_impact(user=request.user)
    return render(request, "tallies/impact.html", {"impact": data}, status=HTTPStatus.OK)
