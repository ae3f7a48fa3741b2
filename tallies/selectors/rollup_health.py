"""How far the rollup job is behind: for /metrics and /readyz (dashboards are exact whatever the lag)."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from ..models import CallLog, RollupState
from ..rollups import STATE_NAME


@dataclass(frozen=True)
class RollupHealth:
    last_run: datetime | None  # when the mark last moved
    calls_waiting: bool  # calls committed above the mark
    lag_seconds: float  # age of the oldest call not rolled up yet; 0 when none waits


def rollup_health(*, now: datetime | None = None) -> RollupHealth:
    now = now or timezone.now()
    state = RollupState.objects.filter(name=STATE_NAME).values_list("last_id", "updated_at").first()
    mark, last_run = state if state else (0, None)
    oldest = CallLog.objects.filter(id__gt=mark).order_by("id").values_list("created_at", flat=True).first()
    lag = max(0.0, (now - oldest).total_seconds()) if oldest else 0.0
    return RollupHealth(last_run=last_run, calls_waiting=oldest is not None, lag_seconds=lag)
