from django.db.models import Count

from .models import CallLog


def tally_campaign_totals(*, campaign_ids) -> dict[int, int]:
    """Exact total calls per campaign id (campaigns without calls are absent)."""
    rows = CallLog.objects.filter(campaign_id__in=list(campaign_ids)).values("campaign_id").annotate(n=Count("id"))
    return {row["campaign_id"]: row["n"] for row in rows}
