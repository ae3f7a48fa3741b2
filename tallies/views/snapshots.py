"""Dashboards' figures and the public widget, computed at most once per DASHBOARD_FIGURES_MAX_AGE seconds a process.

Why: on a call day, leads keep their chapter's dashboard open and refresh it, and the figures
(every outcome, campaign, office, member and day, plus the newest notes) cost tens of
milliseconds of CPU to gather and render. At twenty refreshes a second that was most of a core
taken from the call endpoint. Every refresh within the window gets the same figures, with the
time they were gathered shown on the page ("Exact as of 14:02:05"), so a lead is never told a
cached figure is live. 0 turns it off (the test settings do, so a test sees its own calls at once).

The cache is per process, not in Redis: a snapshot holds model instances and lazily translated
labels, and what it saves is the gathering; a miss in each of a few processes every couple of
seconds is cheap. Keys carry everything the figures depend on, the page's language included
(the notes' dates are formatted for it).
"""

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

from rally.selectors import call_day_totals

from .. import selectors
from ..selectors import DateRange

# A few chapters' pages, their date ranges and notes pages: bounded, since keys come from the URL.
MAX_SNAPSHOTS = 256


@dataclass(frozen=True)
class DashboardSnapshot:
    board: selectors.Dashboard
    notes: list
    next_before: int | None
    call_days: list
    computed_at: dt.datetime = field(default_factory=timezone.now)
    html: str = ""  # the figures as rendered for the page (see `page` below)


_snapshots: dict[tuple, tuple[float, object]] = {}
_lock = threading.Lock()


def dashboard_snapshot(
    *,
    chapter,
    chapter_ids: list[int] | None,
    date_range: DateRange,
    tz: ZoneInfo | None,
    before_id: int | None,
    page: tuple[str, Callable[[DashboardSnapshot], str]] | None = None,
) -> DashboardSnapshot:
    """The figures of a dashboard page, no older than DASHBOARD_FIGURES_MAX_AGE seconds.

    page: (the page's query string, a function rendering the snapshot's figures as HTML): the
    HTML is rendered once with the figures and kept with them, since rendering the long tables
    costs as much as gathering them.
    """
    key = (
        tuple(chapter_ids) if chapter_ids is not None else None,
        date_range.start,
        date_range.end,
        tz.key if tz else None,
        before_id,
        get_language(),
        page[0] if page else None,
    )

    def gather() -> DashboardSnapshot:
        snapshot = _gather(chapter=chapter, chapter_ids=chapter_ids, date_range=date_range, tz=tz, before_id=before_id)
        return replace(snapshot, html=page[1](snapshot)) if page is not None else snapshot

    return _remember(("dashboard", *key), gather)


def public_widget_html(*, slug: str, render: Callable[[], str]) -> str:
    """A national campaign's widget as shown to visitors, rendered at most once per window.

    Only for anonymous visitors, whose widget depends on nothing but the campaign and the
    language: partner sites embed it on pages read by many at once. Its Cache-Control already
    lets browsers and proxies keep it for 10 seconds.
    """
    return _remember(("widget", slug, get_language()), render)


def _remember(key: tuple, compute: Callable):
    """compute()'s value, reused in this process for DASHBOARD_FIGURES_MAX_AGE seconds."""
    max_age = settings.DASHBOARD_FIGURES_MAX_AGE
    if max_age <= 0:
        return compute()
    now = time.monotonic()
    with _lock:
        cached = _snapshots.get(key)
    if cached is not None and now - cached[0] < max_age:
        return cached[1]
    value = compute()
    with _lock:
        if len(_snapshots) >= MAX_SNAPSHOTS:
            _snapshots.clear()
        _snapshots[key] = (now, value)
    return value


def _gather(*, chapter, chapter_ids, date_range, tz, before_id) -> DashboardSnapshot:
    board = selectors.tally_dashboard(chapter_ids=chapter_ids, date_range=date_range, tz=tz)
    notes, next_before = selectors.tally_notes(
        chapter_ids=chapter_ids, date_range=date_range, before_id=before_id, tz=tz
    )
    call_days = call_day_totals(chapter=chapter, date_range=date_range) if chapter is not None else []
    return DashboardSnapshot(board=board, notes=notes, next_before=next_before, call_days=call_days)


def clear() -> None:
    """Forget every snapshot (tests)."""
    with _lock:
        _snapshots.clear()
