"""The office report: what one office heard from a chapter's (or every chapter's) callers about one campaign.

Every figure and the shared notes read calls through tallies/sql/office_report.py, the one
place that says which calls count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from advocacy.errors import NotFound, Unprocessable

from ..date_ranges import DateRange
from ..models import CallLog, ChapterOfficeTally, OfficeReportShare, Outcome, RollupState
from ..rollups import STATE_NAME, mark_floor
from ..sql.office_report import counted_calls_q, office_report_rows

DEFAULT_DAYS = 30
MAX_DAYS = 731  # two years of days: the chart and the CSV stay readable
MAX_NOTES = 200  # the newest; a letter an office reads, not an archive (the dashboard has them all)


class ReportRangeTooLong(Unprocessable):
    code = "range_too_long"


@dataclass(frozen=True)
class SharedNote:
    text: str
    signature: str  # "Ana, 65101", or "" when the caller did not sign
    created_at: dt.datetime  # in the report's zone


@dataclass
class OfficeReport:
    office: object
    campaign: object
    chapter: object | None  # None: every chapter (staff)
    start: dt.date
    end: dt.date
    zone: ZoneInfo
    constituents: int = 0
    total: int = 0  # every logged call, as the dashboard counts them
    calls: int = 0  # the calls made (a skip is not one)
    reached: int = 0
    by_outcome: list[tuple[str, str, int]] = field(default_factory=list)
    by_day: list[tuple[dt.date, int]] = field(default_factory=list)
    first_call: dt.datetime | None = None
    last_call: dt.datetime | None = None
    notes: list[SharedNote] = field(default_factory=list)

    @property
    def reached_percent(self) -> int | None:
        """The share of calls made that reached a person, in whole percent; None without calls."""
        return round(100 * self.reached / self.calls) if self.calls else None

    @property
    def office_name(self) -> str:
        return str(self.office)

    @property
    def chapter_name(self) -> str:
        return str(self.chapter) if self.chapter is not None else ""


def office_report_range(
    date_range: DateRange, *, tz: ZoneInfo, today: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """A report's fixed range: the given ends, else the last 30 days up to today (in tz).

    Raises ReportRangeTooLong past MAX_DAYS.
    """
    today = today or timezone.now().astimezone(tz).date()
    end = date_range.end or max(today, date_range.start or today)
    start = date_range.start or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        start, end = end, start
    if (end - start).days + 1 > MAX_DAYS:
        raise ReportRangeTooLong(f"Choose at most {MAX_DAYS} days for a report.")
    return start, end


def office_report_targets(*, campaign_slug: str, office_id, chapter_ids: list[int] | None):
    """(campaign, office) a report may be about: a campaign of the chapter or a national one
    (any campaign for every chapter), and any office. NotFound otherwise: missing and not
    yours look alike."""
    from campaigns.models import Campaign
    from officials.models import Office

    campaigns = Campaign.objects.filter(slug=campaign_slug or "")
    if chapter_ids is not None:
        campaigns = campaigns.filter(Q(chapter__isnull=True) | Q(chapter_id__in=chapter_ids))
    campaign = campaigns.first()
    try:
        office = Office.objects.select_related("division").filter(pk=int(office_id)).first()
    except (TypeError, ValueError):
        office = None
    if campaign is None or office is None:
        raise NotFound("No such campaign or office.")
    return campaign, office


def tally_office_report(
    *, office, campaign, chapter=None, chapter_ids: list[int] | None, start: dt.date, end: dt.date, tz: ZoneInfo
) -> OfficeReport:
    """The report of office and campaign over the local days start..end (in tz) for these
    chapters (None: every chapter). Two queries: the figures and the shared notes."""
    report = OfficeReport(office=office, campaign=campaign, chapter=chapter, start=start, end=end, zone=tz)
    lo, hi = DateRange(start, end).bounds(tz)
    rows = office_report_rows(
        office_id=office.pk, campaign_id=campaign.pk, chapter_ids=chapter_ids, lo=lo, hi=hi, tz=tz
    )
    outcomes: dict[str, int] = {}
    days: dict[dt.date, int] = {}
    for kind, key, n in rows:
        if kind == "outcome":
            outcomes[key] = int(n)
        elif kind == "day":
            days[dt.date.fromisoformat(str(key)[:10])] = int(n)
        elif kind == "constituents":
            report.constituents = int(n)
        elif kind in ("first", "last") and key:
            moment = dt.datetime.fromisoformat(str(key)[:19]).replace(tzinfo=dt.UTC).astimezone(tz)
            setattr(report, f"{kind}_call", moment)
    report.by_outcome = [(value, str(label), outcomes.get(value, 0)) for value, label in Outcome.choices]
    report.total = sum(outcomes.values())
    report.calls = report.total - outcomes.get(Outcome.SKIPPED, 0)
    report.reached = outcomes.get(Outcome.REACHED, 0)
    report.by_day = [
        (start + dt.timedelta(days=i), days.get(start + dt.timedelta(days=i), 0)) for i in range((end - start).days + 1)
    ]
    report.notes = _shared_notes(office=office, campaign=campaign, chapter_ids=chapter_ids, lo=lo, hi=hi, tz=tz)
    return report


def _shared_notes(*, office, campaign, chapter_ids, lo, hi, tz) -> list[SharedNote]:
    """Only notes the caller chose to share; the name and ZIP only when they chose to sign too."""
    calls = CallLog.objects.filter(
        counted_calls_q(), office=office, campaign=campaign, share_note=True, created_at__gte=lo, created_at__lt=hi
    ).exclude(note="")
    if chapter_ids is not None:
        calls = calls.filter(chapter_id__in=chapter_ids)
    rows = calls.order_by("-created_at", "-id").values_list(
        "note", "sign_note", "user__name", "user__zip_code", "created_at"
    )[:MAX_NOTES]
    rows = reversed(rows)  # oldest first, as a story of the range
    notes = []
    for text, signed, name, zip_code, created_at in rows:
        signature = ""
        if signed and (name or zip_code):
            first = (name or "").split()[0] if (name or "").split() else ""
            signature = ", ".join(part for part in (first, (zip_code or "")[:5]) if part)
        notes.append(SharedNote(text=text, signature=signature, created_at=created_at.astimezone(tz)))
    return notes


def office_report_shares(*, chapter, campaign, office) -> list[OfficeReportShare]:
    """The share links made for this report (every range), newest first, for the lead to manage."""
    return list(
        OfficeReportShare.objects.filter(chapter=chapter, campaign=campaign, office=office).order_by("-created_at")[:50]
    )


def office_report_choices(*, chapter_ids: list[int] | None) -> tuple[list, list]:
    """(campaigns, offices) the report form offers: the chapter's and national campaigns (any for
    every chapter), and the offices its callers have called (the rollup's, and the live tail's
    above its mark). Two queries, whatever the number of calls."""
    from campaigns.models import Campaign
    from officials.models import Office

    campaigns = Campaign.objects.exclude(status=Campaign.Status.DRAFT)
    called = ChapterOfficeTally.objects.all()
    # The calls above the rollup's mark (the live tail) name their offices too.
    mark = Coalesce(Subquery(RollupState.objects.filter(name=STATE_NAME).values("last_id")[:1]), Value(0))
    # mark_floor (a literal no larger than the mark) lets the planner read only the newest ids.
    tail = CallLog.objects.filter(id__gt=mark_floor()).filter(id__gt=mark)
    if chapter_ids is not None:
        campaigns = campaigns.filter(Q(chapter__isnull=True) | Q(chapter_id__in=chapter_ids))
        called = called.filter(chapter_id__in=chapter_ids)
        tail = tail.filter(chapter_id__in=chapter_ids)
    offices = Office.objects.filter(
        Q(pk__in=called.values("office_id")) | Q(pk__in=tail.values("office_id"))
    ).select_related("division")
    return list(campaigns.only("id", "slug", "title").order_by("title")), sorted(offices, key=str)
