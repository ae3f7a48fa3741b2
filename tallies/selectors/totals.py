"""A campaign's exact total and its calls by outcome."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Outcome
from ..sql.reads import campaign_outcome_rows, campaign_total_rows


def tally_campaign_totals(*, campaign_ids) -> dict[int, int]:
    """Exact total calls per campaign id (campaigns without calls are absent)."""
    ids = [int(i) for i in campaign_ids]
    if not ids:
        return {}
    return {campaign_id: int(total) for campaign_id, total in campaign_total_rows(ids) if total}


@dataclass
class CampaignTallyFigures:
    total: int
    by_outcome: list[tuple[str, str, int]]  # (outcome, label, n) in the order of Outcome


def tally_for_campaign(*, campaign_id: int) -> CampaignTallyFigures:
    counts = {outcome: int(total) for outcome, total in campaign_outcome_rows(campaign_id)}
    return CampaignTallyFigures(
        total=sum(counts.values()),
        by_outcome=[(value, label, counts.get(value, 0)) for value, label in Outcome.choices],
    )
