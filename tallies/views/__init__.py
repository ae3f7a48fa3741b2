"""The tallies' pages: dashboards and exports, the office report and its share links, answer rates."""

from .answer_rates import office_detail
from .dashboards import (
    campaign_widget,
    chapter_dashboard,
    chapter_export,
    impact,
    staff_dashboard,
    staff_export,
)
from .office_report import (
    chapter_office_report,
    office_report_share_create,
    office_report_share_revoke,
    office_report_shared,
    staff_office_report,
)

__all__ = [
    "campaign_widget",
    "chapter_dashboard",
    "chapter_export",
    "chapter_office_report",
    "impact",
    "office_detail",
    "office_report_share_create",
    "office_report_share_revoke",
    "office_report_shared",
    "staff_dashboard",
    "staff_export",
    "staff_office_report",
]
