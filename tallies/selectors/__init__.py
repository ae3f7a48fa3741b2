"""Reads of the tallies: rollup rows plus the live tail of calls above the high-water mark.

Every figure is read by ONE SQL statement that takes the mark, the rollup rows up to it and
the calls above it from the same snapshot, so it is exact at that instant, however far
behind the rollup job is: a call committed a moment ago is in the next read, and no call is
counted twice while a rollup commits between two reads. A dashboard asks for all its
figures in one such statement.
"""

from ..date_ranges import DateOutOfRange, DateRange
from .answer_rates import (
    MIN_CALLS,
    MIN_SAMPLE,
    WINDOW_DAYS,
    NextNumber,
    OfficeAnswerRates,
    Rates,
    hour_label,
    next_number_advice,
    office_zone,
    tally_answer_rates,
)
from .dashboard import (
    DASHBOARD_CACHE_SECONDS,
    DASHBOARD_CACHE_VERSION,
    NOTES_PAGE_SIZE,
    TOP_MEMBERS,
    Dashboard,
    NoteRow,
    dashboard_cache_key,
    tally_call_logs_for_export,
    tally_dashboard,
    tally_notes,
)
from .impact import Impact, calls_by_week, calls_for_data_export, tally_impact, weekly_streaks
from .office_report import (
    OfficeReport,
    ReportRangeTooLong,
    SharedNote,
    office_report_choices,
    office_report_range,
    office_report_shares,
    office_report_targets,
    tally_office_report,
)
from .rollup_health import RollupHealth, rollup_health
from .totals import CampaignTallyFigures, tally_campaign_totals, tally_for_campaign

__all__ = [
    "MIN_CALLS",
    "MIN_SAMPLE",
    "WINDOW_DAYS",
    "NextNumber",
    "OfficeAnswerRates",
    "OfficeReport",
    "Rates",
    "ReportRangeTooLong",
    "SharedNote",
    "hour_label",
    "next_number_advice",
    "office_report_choices",
    "office_report_range",
    "office_report_shares",
    "office_report_targets",
    "office_zone",
    "tally_answer_rates",
    "tally_office_report",
    "DASHBOARD_CACHE_SECONDS",
    "DASHBOARD_CACHE_VERSION",
    "NOTES_PAGE_SIZE",
    "TOP_MEMBERS",
    "CampaignTallyFigures",
    "Dashboard",
    "DateOutOfRange",
    "DateRange",
    "Impact",
    "RollupHealth",
    "NoteRow",
    "calls_by_week",
    "calls_for_data_export",
    "dashboard_cache_key",
    "rollup_health",
    "tally_call_logs_for_export",
    "tally_campaign_totals",
    "tally_dashboard",
    "tally_for_campaign",
    "tally_impact",
    "tally_notes",
    "weekly_streaks",
]
