"""The fast path's per-process caches, each trusted only under a generation kept in Redis.

Campaigns with their actions, and offices, and the caller's officials per ZIP are kept in each
process (tallies/api/fast_path.py reads them); campaign and action writes (the signals below, and
the admin's bulk actions through invalidate_campaigns) replace the campaigns generation, officials
writes the officials lookup cache's (officials/cache.py); accounts invalidates its own tokens
and users (accounts/api/token_cache.py). Connected in every process by TalliesConfig.ready, so a save in the
admin or a worker reaches every web process on its next call.
"""

import threading
import uuid

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from advocacy.cache import redis_round_trip
from campaigns.models import Action, Campaign
from officials.selectors import office_ids_for_caller

from .calls import call_targets, find_action, find_office

CAMPAIGNS_GENERATION_KEY = "campaigns:generation"
_MAX_CACHED = 10_000


class _Targets:
    """Campaigns with their actions, offices and callers' offices of this process, under two generations."""

    def __init__(self):
        self.lock = threading.Lock()
        self.generations = None
        self.actions: dict = {}
        self.offices: dict = {}
        self.caller_offices: dict = {}

    def scope(self, generations):
        """The dicts valid under these generations (emptied when they changed); None: do not cache."""
        if generations is None or None in generations:
            return None
        with self.lock:
            if generations != self.generations or len(self.actions) + len(self.caller_offices) > _MAX_CACHED:
                self.generations = generations
                self.actions, self.offices, self.caller_offices = {}, {}, {}
            return self.actions, self.offices, self.caller_offices


_lookups = _Targets()


def clear_process_caches() -> None:
    """Forget this process's campaigns, actions, offices and callers' offices (tests)."""
    with _lookups.lock:
        _lookups.generations = None
        _lookups.actions, _lookups.offices, _lookups.caller_offices = {}, {}, {}


def invalidate_campaigns() -> None:
    """Every process drops its cached campaigns and actions (now, and when the transaction commits)."""
    from django.db import transaction

    def bump():
        redis_round_trip(lambda pipe, make_key: pipe.set(make_key(CAMPAIGNS_GENERATION_KEY), uuid.uuid4().hex))

    bump()
    transaction.on_commit(bump)


@receiver(post_save, sender=Campaign, dispatch_uid="fast_path_campaign_saved")
@receiver(post_delete, sender=Campaign, dispatch_uid="fast_path_campaign_deleted")
@receiver(post_save, sender=Action, dispatch_uid="fast_path_action_saved")
@receiver(post_delete, sender=Action, dispatch_uid="fast_path_action_deleted")
@receiver(m2m_changed, sender=Action.target_offices.through, dispatch_uid="fast_path_action_targets")
def _campaigns_changed(sender, **kwargs):
    invalidate_campaigns()


def cached_targets(values, generations):
    scope = _lookups.scope(generations)
    if scope is None:
        return call_targets(campaign_slug=values.campaign, action_id=values.action, office_id=values.office)
    actions, offices, _ = scope

    def action_lookup(slug, action_id):
        key = (slug, action_id)
        if key not in actions:
            actions[key] = find_action(slug, action_id)
        return actions[key]

    def office_lookup(office_id):
        if office_id not in offices:
            offices[office_id] = find_office(office_id)
        return offices[office_id]

    return call_targets(
        campaign_slug=values.campaign,
        action_id=values.action,
        office_id=values.office,
        action_lookup=action_lookup,
        office_lookup=office_lookup,
    )


def cached_caller_offices(entry, generations):
    scope = _lookups.scope(generations)
    if scope is None:
        return lambda: office_ids_for_caller(zip_code=entry.zip_code, district_ocd_id=entry.district_ocd_id)
    mine = scope[2]
    # The holder of an office, and so the ZIP map in force, is a matter of the date.
    key = (entry.zip_code, entry.district_ocd_id, timezone.localdate())

    def lookup():
        if key not in mine:
            mine[key] = office_ids_for_caller(zip_code=entry.zip_code, district_ocd_id=entry.district_ocd_id)
        return mine[key]

    return lookup
