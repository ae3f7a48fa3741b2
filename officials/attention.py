"""Reads for the admin's "Needs attention" page: what staff must decide before callers notice."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from .models import Office, OfficeRole, PendingChange, RefreshRun, Term, WrongNumberReport

EXECUTIVE_ROLES = (OfficeRole.GOVERNOR, OfficeRole.ATTORNEY_GENERAL, OfficeRole.SECRETARY_OF_STATE)
ENDING_WITHIN_DAYS = 60
# The sources a refresh reads, in its order (officials/refresh.py).
REFRESH_SOURCE_NAMES = ("divisions", "congress", "zip_districts", "executives")


@dataclass
class SourceAge:
    name: str
    last_success: datetime.datetime | None
    days: int | None


@dataclass
class NeedsAttention:
    ending_soon: list[Term]
    no_holder: list[Office]
    held: list
    open_reports: list
    sources: list[SourceAge]

    @property
    def count(self) -> int:
        return len(self.ending_soon) + len(self.no_holder) + len(self.held) + len(self.open_reports)


def _source_ages(now: datetime.datetime) -> list[SourceAge]:
    """When each source last went through a refresh that saved it (not held as a whole, not a dry run)."""
    found: dict[str, datetime.datetime] = {}
    runs = RefreshRun.objects.filter(status=RefreshRun.Status.SUCCEEDED, dry_run=False).order_by("-finished_at")
    for finished, sources, held_sources in runs.values_list("finished_at", "sources", "held_sources").iterator():
        for name, location in (sources or {}).items():
            if location and name not in found and name not in (held_sources or []):
                found[name] = finished
        if len(found) >= len(REFRESH_SOURCE_NAMES):
            break
    ages = []
    for name in REFRESH_SOURCE_NAMES:
        last = found.get(name)
        ages.append(SourceAge(name=name, last_success=last, days=(now - last).days if last else None))
    return ages


def officials_needing_attention(*, today: datetime.date | None = None, now=None) -> NeedsAttention:
    """Executive terms ending within 60 days with no successor, offices with no holder, held changes,
    open wrong-number reports and the age of each source's last successful refresh."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=ENDING_WITHIN_DAYS)
    current = Term.objects.current(on=today)
    later = Term.objects.filter(office=models.OuterRef("office"), start__gt=models.OuterRef("end"))
    ending_soon = list(
        current.filter(office__role__in=EXECUTIVE_ROLES, office__is_active=True, end__gte=today, end__lte=horizon)
        .exclude(models.Exists(later))
        .select_related("office__division", "person")
        .order_by("end", "office__title")
    )
    held_by = current.filter(office=models.OuterRef("pk"))
    no_holder = list(
        Office.objects.filter(is_active=True)
        .exclude(role=OfficeRole.ORGANISATION)
        .exclude(models.Exists(held_by))
        .select_related("division")
        .order_by("role", "title")
    )
    held = list(PendingChange.objects.filter(status=PendingChange.Status.HELD).select_related("office"))
    open_reports = list(
        WrongNumberReport.objects.filter(status=WrongNumberReport.Status.OPEN)
        .select_related("contact_point__office")
        .order_by("created_at")
    )
    return NeedsAttention(
        ending_soon=ending_soon,
        no_holder=no_holder,
        held=held,
        open_reports=open_reports,
        sources=_source_ages(now or timezone.now()),
    )
