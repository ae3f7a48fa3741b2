"""The fast path's per-process caches, each trusted only under the generations it was read with.

Campaigns with their actions and fixed targets, offices, and the caller's officials per ZIP are kept in each
process (tallies/api/fast_path.py reads them and the generations, in its one Redis round trip).
The caches follow advocacy.cache.ProcessCache's one policy; the generations belong to the apps
whose rows they cover, which replace them from their own signals: campaigns/cache.py (campaigns
and actions), officials/cache.py (offices, holders, ZIP maps), accounts/api/token_cache.py
(tokens and users). Nothing here invalidates anything.
"""

from django.utils import timezone

from advocacy.cache import ProcessCache
from officials.selectors import office_ids_for_caller

from ..services.rules import fixed_target_office_ids
from .calls import call_targets, find_action, find_office

# Actions and offices, under (campaigns generation, officials generation).
_targets = ProcessCache()
# Callers' offices per ZIP and district, under the officials generation.
_caller_offices = ProcessCache()


def clear_process_caches() -> None:
    """Forget this process's campaigns, actions, offices and callers' offices (tests)."""
    _targets.clear()
    _caller_offices.clear()


def cached_targets(values, generations):
    """call_targets with lookups kept under `generations` (campaigns, officials); either None: no cache."""
    under = None if None in generations else generations

    def action_lookup(slug, action_id):
        return _targets.get_or_load(under, ("action", slug, action_id), lambda: find_action(slug, action_id))

    def office_lookup(office_id):
        return _targets.get_or_load(under, ("office", office_id), lambda: find_office(office_id))

    return call_targets(
        campaign_slug=values.campaign,
        action_id=values.action,
        office_id=values.office,
        action_lookup=action_lookup,
        office_lookup=office_lookup,
    )


def cached_fixed_targets(action, generations):
    """A lookup of the action's fixed target offices (ids), kept with the action under `generations`.

    A caller's call to the Department of Justice, say, would otherwise ask the database whether
    it is one of the action's targets on every call.
    """
    under = None if None in generations else generations

    return lambda: _targets.get_or_load(under, ("fixed", action.pk), lambda: fixed_target_office_ids(action=action))


def cached_caller_offices(entry, officials_generation):
    """A lookup of the caller's offices, kept under the officials generation (None: read each time)."""

    def load():
        return office_ids_for_caller(zip_code=entry.zip_code, district_ocd_id=entry.district_ocd_id)

    # The holder of an office, and so the ZIP map in force, is a matter of the date.
    key = (entry.zip_code, entry.district_ocd_id, timezone.localdate())
    return lambda: _caller_offices.get_or_load(officials_generation, key, load)
