"""The dashboards' figures (a chapter's, or every chapter's for staff), callers' notes and the calls CSV."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Q
from django.utils.formats import date_format

from ..date_ranges import DateRange
from ..models import (
    CallLog,
    Outcome,
)
from ..sql.reads import dashboard_rows

logger = logging.getLogger(__name__)

OUTCOME_LABELS = dict(Outcome.choices)
NOTES_PAGE_SIZE = 20
TOP_MEMBERS = 100


@dataclass
class Dashboard:
    total: int = 0
    by_outcome: list[tuple[str, str, int]] = field(default_factory=list)
    by_campaign: list[dict] = field(default_factory=list)  # campaign, n, by outcome, national total, goal
    by_office: list[tuple[object, int]] = field(default_factory=list)
    by_day: list[tuple[dt.date, int]] = field(default_factory=list)
    by_member: list[tuple[object, int]] = field(default_factory=list)
    members_total: int = 0  # distinct callers, when by_member is cut to the top ones
    by_chapter: list[tuple[object, int]] = field(default_factory=list)
    by_state: list[tuple[str, int]] = field(default_factory=list)
    date_range: DateRange = field(default_factory=DateRange)


# The rollup-side half of the dashboard figures is cached per view (chapters and date range) and
# used only while the rollup state is exactly as it was when it was read (keyed to what changes
# it). Every read still takes the live tail from CallLog, so figures stay exact.
DASHBOARD_CACHE_VERSION = 1
DASHBOARD_CACHE_SECONDS = 3600  # entries for an old state are never read again; this only frees them


def dashboard_cache_key(chapter_ids: list[int] | None, date_range: DateRange, tz: ZoneInfo | None = None) -> str:
    scope = "all" if chapter_ids is None else ",".join(str(i) for i in sorted(chapter_ids))
    return (
        f"tallies:dashboard:v{DASHBOARD_CACHE_VERSION}:{connection.settings_dict['NAME']}:{scope}:"
        f"{date_range.start or ''}:{date_range.end or ''}:{tz.key if tz else 'utc-days'}"
    )


def _cache_get(key: str):
    from django.core.cache import cache

    return cache.get(key)


def _cache_set(key: str, value) -> None:
    from django.core.cache import cache

    cache.set(key, value, timeout=DASHBOARD_CACHE_SECONDS)


def _dashboard_figures(
    *, chapter_ids: list[int] | None, date_range: DateRange, with_chapters: bool, tz: ZoneInfo | None = None
) -> dict[str, dict[tuple[int, str], int]]:
    """The figures by dimension: the rollup half (cached per rollup state) plus the live tail."""
    key = dashboard_cache_key(chapter_ids, date_range, tz)
    entry = _cache_get(key)
    generation, cached = entry if entry else (None, None)  # the rollup state it was read in, its figures
    rows = dashboard_rows(
        chapter_ids=chapter_ids, date_range=date_range, with_chapters=with_chapters, generation=generation, tz=tz
    )
    state = None
    rolled: dict[str, dict] = defaultdict(dict)
    tail: dict[str, dict] = defaultdict(dict)
    for dim, src, k1, k2, n in rows:
        if dim == "state":
            state = (int(k1), k2)
        elif n:
            (rolled if src == "r" else tail)[dim][(int(k1), k2)] = int(n)
    if entry and state == generation:
        rolled = cached
    elif state is not None:
        _cache_set(key, (state, dict(rolled)))
    figures: dict[str, dict] = defaultdict(dict)
    for dim in set(rolled) | set(tail):
        merged = dict(rolled.get(dim, {}))
        for k, n in tail.get(dim, {}).items():
            merged[k] = merged.get(k, 0) + n
        # A key whose calls were all undone sums to 0: shown as if it was never called.
        figures[dim] = {k: n for k, n in merged.items() if n}
    return figures


def tally_dashboard(
    *,
    chapter_ids: list[int] | None,
    date_range: DateRange | None = None,
    all_members: bool = False,
    tz: ZoneInfo | None = None,
) -> Dashboard:
    """The figures of the chapter dashboard (chapter_ids=[id]) or of the staff one (None: every chapter).

    tz: the chapter's zone; its date range and "by day" are then the chapter's local days.
    Without it (staff), days are UTC days.

    Queries: the figures with the campaigns' totals toward their goals (one statement), the
    campaigns, the offices, the members and, for staff, the chapters: five at most, whatever
    the number of calls.
    by_member holds the TOP_MEMBERS most active callers, or all of them (for the CSV).
    """
    date_range = date_range or DateRange()
    with_chapters = chapter_ids is None
    figures = _dashboard_figures(chapter_ids=chapter_ids, date_range=date_range, with_chapters=with_chapters, tz=tz)

    board = Dashboard(date_range=date_range)
    _add_campaigns(board, figures, chapter_ids=chapter_ids)
    _add_offices_and_states(board, figures)
    _add_members(board, figures, all_members=all_members)
    board.by_day = _days(figures, date_range)
    if with_chapters:
        board.by_chapter = _chapters(figures)
    return board


def _counts(figures, dim: str) -> dict[int, int]:
    """A dimension's figures keyed by their first key alone (an id)."""
    return {k1: n for (k1, _), n in figures[dim].items()}


def _add_campaigns(board: Dashboard, figures, *, chapter_ids: list[int] | None) -> None:
    """The total, by outcome and by campaign; a chapter's own campaigns are listed uncalled too (their goal)."""
    from campaigns.models import Campaign

    outcome_counts: dict[str, int] = defaultdict(int)
    campaign_counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (campaign_id, outcome), n in figures["campaign"].items():
        outcome_counts[outcome] += n
        campaign_counts[campaign_id][outcome] += n
    board.total = sum(outcome_counts.values())
    board.by_outcome = [(value, label, outcome_counts.get(value, 0)) for value, label in Outcome.choices]

    campaign_filter = Q(pk__in=list(campaign_counts))
    if chapter_ids is not None:
        campaign_filter |= Q(chapter_id__in=chapter_ids)
    campaigns = list(Campaign.objects.filter(campaign_filter).only("id", "title", "slug", "call_goal", "chapter_id"))
    totals = _counts(figures, "goal")
    rows = []
    for campaign in campaigns:
        counts = campaign_counts.get(campaign.pk, {})
        everyone = totals.get(campaign.pk, 0)
        rows.append(
            {
                "campaign": campaign,
                "n": sum(counts.values()),
                "by_outcome": {value: counts.get(value, 0) for value in Outcome.values},
                "total": everyone,
                "goal": campaign.call_goal or None,
                "progress": campaign.goal_percent(everyone),
            }
        )
    board.by_campaign = sorted(rows, key=lambda r: (-r["n"], r["campaign"].title))


def _add_offices_and_states(board: Dashboard, figures) -> None:
    """By office, most called first, and by state, added up from the offices."""
    from officials.models import Office

    office_counts = _counts(figures, "office")
    offices = Office.objects.filter(pk__in=list(office_counts)).select_related("division")
    board.by_office = sorted(((o, office_counts[o.pk]) for o in offices), key=lambda r: (-r[1], str(r[0])))
    state_counts: dict[str, int] = defaultdict(int)
    for office, n in board.by_office:
        state_counts[office.state_code] += n
    board.by_state = sorted(state_counts.items(), key=lambda r: (-r[1], r[0]))


def _add_members(board: Dashboard, figures, *, all_members: bool) -> None:
    """The most active callers (TOP_MEMBERS, or all of them), and how many called in all."""
    from accounts.models import User

    member_counts = _counts(figures, "member")
    board.members_total = len(member_counts)
    top = sorted(member_counts.items(), key=lambda r: (-r[1], r[0]))[: None if all_members else TOP_MEMBERS]
    users = {u.pk: u for u in User.objects.filter(pk__in=[k for k, _ in top]).only("id", "name", "email")}
    board.by_member = [(users.get(user_id), n) for user_id, n in top]


def _days(figures, date_range: DateRange) -> list[tuple[dt.date, int]]:
    """By day, oldest first, kept to the range's days."""
    by_day = {dt.date.fromisoformat(k2): n for (_, k2), n in figures["day"].items()}
    if not date_range.is_all_time:
        by_day = {
            d: n
            for d, n in by_day.items()
            if (not date_range.start or d >= date_range.start) and (not date_range.end or d <= date_range.end)
        }
    return sorted(by_day.items())


def _chapters(figures) -> list[tuple[object, int]]:
    """By chapter (staff's dashboard), most called first."""
    from accounts.models import Chapter

    chapter_counts = _counts(figures, "chapter")
    chapters = {c.pk: c for c in Chapter.objects.filter(pk__in=list(chapter_counts))}
    return sorted(((chapters.get(pk), n) for pk, n in chapter_counts.items()), key=lambda r: (-r[1], str(r[0] or "")))


class NoteRow(NamedTuple):
    """A caller's note as the dashboard shows it: plain values, not four model instances per note."""

    id: int
    note: str
    caller: str | None  # None: the account was deleted
    outcome: str
    office: str
    campaign: str
    created_at: dt.datetime  # in the dashboard's zone
    created_at_display: str  # "7 Mar 2026, 14:05"


def tally_notes(
    *, chapter_ids: list[int] | None, date_range: DateRange, before_id: int | None = None, tz: ZoneInfo | None = None
):
    """A page of callers' notes, newest first, and the id to pass as `before_id` for the next one (or None).

    Times and the range are in tz (the chapter's zone), or UTC.
    """
    zone = tz or dt.UTC
    notes = CallLog.objects.counted().exclude(note="")
    if chapter_ids is not None:
        notes = notes.filter(chapter_id__in=chapter_ids)
    notes = notes.created_in(date_range, zone)
    if before_id:
        notes = notes.filter(id__lt=before_id)
    rows = notes.order_by("-id").values_list(
        "id",
        "note",
        "user_id",
        "user__name",
        "user__email",
        "outcome",
        "office__name",
        "office__title",
        "campaign__title",
        "created_at",
    )[: NOTES_PAGE_SIZE + 1]
    page = []
    for call_id, note, user_id, name, email, outcome, office_name, office_title, campaign, created_at in rows:
        created_at = created_at.astimezone(zone)
        page.append(
            NoteRow(
                id=call_id,
                note=note,
                # The same rule as User.display_name, without loading the user.
                caller=(name or email.split("@")[0]) if user_id else None,
                outcome=OUTCOME_LABELS.get(outcome, outcome),
                office=office_name or office_title,  # Office.__str__
                campaign=campaign,
                created_at=created_at,
                created_at_display=date_format(created_at, "DATETIME_FORMAT"),
            )
        )
    more = len(page) > NOTES_PAGE_SIZE
    page = page[:NOTES_PAGE_SIZE]
    return page, (page[-1].id if more else None)


def tally_call_logs_for_export(*, chapter_ids: list[int] | None, date_range: DateRange, tz: ZoneInfo | None = None):
    """Every call of the chapter(s) in the range (local days in tz, else UTC), oldest first, streamed."""
    calls = CallLog.objects.counted().order_by("id")
    if chapter_ids is not None:
        calls = calls.filter(chapter_id__in=chapter_ids)
    calls = calls.created_in(date_range, tz or dt.UTC)
    return calls.values_list(
        "id",
        "created_at",
        "campaign__slug",
        "action_id",
        "office__title",
        "office__name",
        "person__name",
        "outcome",
        "chapter__slug",
        "user__email",
        "source",
        "note",
    ).iterator(chunk_size=5000)
