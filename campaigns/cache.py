"""The campaigns generation: what any process keeps of campaigns and their actions is good while it is unchanged.

The call endpoint's fast path keeps campaigns with their actions in each process
(tallies/api/fast_path_caches.py) and reads this generation in its one Redis round trip.
Every campaign or action write replaces it: the signals below for single rows, the admin's bulk
actions (which send none) through invalidate_campaigns. Connected by CampaignsConfig.ready in
every process, so a save in the admin or a worker reaches every web process on its next call.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from advocacy.cache import Generation

from .models import Action, Campaign

GENERATION = Generation("campaigns:generation")


def invalidate_campaigns() -> None:
    """Every process drops its cached campaigns and actions (now, and when the transaction commits)."""
    GENERATION.invalidate()


@receiver(post_save, sender=Campaign, dispatch_uid="campaigns_generation_campaign_saved")
@receiver(post_delete, sender=Campaign, dispatch_uid="campaigns_generation_campaign_deleted")
@receiver(post_save, sender=Action, dispatch_uid="campaigns_generation_action_saved")
@receiver(post_delete, sender=Action, dispatch_uid="campaigns_generation_action_deleted")
@receiver(m2m_changed, sender=Action.target_offices.through, dispatch_uid="campaigns_generation_action_targets")
def _campaigns_changed(sender, **kwargs):
    invalidate_campaigns()
