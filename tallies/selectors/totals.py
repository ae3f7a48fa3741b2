"""A campaign's exact total and its calls by outcome."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from ..models import (
    CallLog,
    CampaignTally,
    Outcome,
)
from ..rollups import mark_floor
from .sql import combined_sql, ids_in, table, tail_sql


def tally_campaign_totals(*, campaign_ids) -> dict[int, int]:
    """Exact total calls per campaign id (campaigns without calls are absent)."""
    ids = [int(i) for i in campaign_ids]
    if not ids:
        return {}
    where, params = ids_in("campaign_id", ids)
    sql, params = combined_sql(
        f"SELECT campaign_id, n FROM {table(CampaignTally)} WHERE {where}",  # noqa: S608
        params,
        f"SELECT campaign_id, 1 AS n FROM {table(CallLog)} WHERE {tail_sql(mark_floor())} AND {where}",  # noqa: S608
        params,
        "campaign_id",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: int(row[1]) for row in cursor.fetchall() if row[1]}


@dataclass
class CampaignTallyFigures:
    total: int
    by_outcome: list[tuple[str, str, int]]  # (outcome, label, n) in the order of Outcome


def tally_for_campaign(*, campaign_id: int) -> CampaignTallyFigures:
    sql, params = combined_sql(
        f"SELECT outcome, n FROM {table(CampaignTally)} WHERE campaign_id = %s",  # noqa: S608
        [campaign_id],
        f"SELECT outcome, 1 AS n FROM {table(CallLog)} WHERE {tail_sql(mark_floor())} AND campaign_id = %s",  # noqa: S608
        [campaign_id],
        "outcome",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = {row[0]: int(row[1]) for row in cursor.fetchall()}
    return CampaignTallyFigures(
        total=sum(counts.values()),
        by_outcome=[(value, label, counts.get(value, 0)) for value, label in Outcome.choices],
    )
