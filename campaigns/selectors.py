"""Reads for the campaign pages and API: which campaigns a user sees, and whom they call."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import Membership
from accounts.selectors import chapter_is_led_by
from officials.models import Office, OfficeRole
from officials.selectors import InvalidZipCode, OfficialEntry, OfficialsLookup, office_entries, officials_for_zip
from tallies.models import CallLog, Outcome
from tallies.selectors import tally_campaign_totals
from tallies.services import CALL_UNDO_WINDOW, CALLS_PER_OFFICE_WINDOW, max_calls_per_office
from targetlists.selectors import ListEntry, list_targets_for_caller

from .errors import CampaignNotFound
from .models import Action, Campaign, TargetListMode
from .scripts import Caller, RenderedScript, render_script

# Outcomes that count as "called" for a volunteer's own "2 of 3 called".
DONE_OUTCOMES = {Outcome.REACHED, Outcome.VOICEMAIL, Outcome.BUSY, Outcome.VOICEMAIL_FULL, Outcome.SENT}


def campaign_list_for_home(*, user):
    return list(Campaign.objects.active().visible_to(user).select_related("chapter")[:10])


def _chapter_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user).values_list("chapter_id", flat=True))


def campaign_list_visible(*, user, chapter_slug: str = "", category_slug: str = "") -> list[Campaign]:
    """Active campaigns the user may see: national ones and their chapters'. Their chapters' come first.

    Each campaign carries `is_mine` (one of the user's chapters), `calls_total` and `percent` of its goal.
    """
    chapter_ids = _chapter_ids(user)
    campaigns = Campaign.objects.active().visible_to(user)
    if chapter_slug:
        campaigns = campaigns.filter(chapter__slug=chapter_slug)
    if category_slug:
        campaigns = campaigns.filter(categories__slug=category_slug)
    campaigns = list(campaigns.select_related("chapter").prefetch_related("categories").distinct())
    totals = tally_campaign_totals(campaign_ids=[c.pk for c in campaigns])
    for campaign in campaigns:
        campaign.is_mine = campaign.chapter_id in chapter_ids
        campaign.calls_total = totals.get(campaign.pk, 0)
        campaign.percent = campaign.goal_percent(campaign.calls_total) or 0
    # Stable sort keeps the newest-first model ordering inside each group.
    campaigns.sort(key=lambda c: not c.is_mine)
    return campaigns


def campaign_can_manage(*, campaign: Campaign, user) -> bool:
    """Chapter leads author their own chapter's campaigns; national ones are edited in the admin."""
    return campaign.chapter_id is not None and chapter_is_led_by(chapter=campaign.chapter, user=user)


def campaign_can_preview(*, campaign: Campaign, user) -> bool:
    return user.is_authenticated and (user.is_staff or campaign_can_manage(campaign=campaign, user=user))


def campaign_is_visible(*, campaign: Campaign, user) -> bool:
    """Active campaigns to those allowed to call them; drafts and archived ones only to leads and staff."""
    if campaign_can_preview(campaign=campaign, user=user):
        return True
    return Campaign.objects.active().visible_to(user).filter(pk=campaign.pk).exists()


def campaign_get_visible(*, slug: str, user) -> Campaign:
    """The campaign with its actions and their fixed targets; CampaignNotFound when the user may not see it."""
    actions = Action.objects.order_by("position", "id").prefetch_related("target_offices")
    campaign = (
        Campaign.objects.select_related("chapter")
        .prefetch_related(Prefetch("actions", queryset=actions), "categories")
        .filter(slug=slug)
        .first()
    )
    if campaign is None or not campaign_is_visible(campaign=campaign, user=user):
        raise CampaignNotFound()
    return campaign


def campaign_get_for_tally(*, slug: str, user) -> Campaign:
    """A campaign whose tally the user may see: published (active or archived), national or one of
    their chapters' (staff: every chapter's). CampaignNotFound otherwise, as for a missing one."""
    campaigns = Campaign.objects.published()
    if not (user.is_authenticated and user.is_staff):
        campaigns = campaigns.visible_to(user)
    campaign = campaigns.filter(slug=slug).first()
    if campaign is None:
        raise CampaignNotFound()
    return campaign


def campaign_progress(*, campaign: Campaign) -> dict:
    total = tally_campaign_totals(campaign_ids=[campaign.pk]).get(campaign.pk, 0)
    goal = campaign.call_goal or 0
    return {"total": total, "goal": goal, "percent": campaign.goal_percent(total) or 0}


def target_dom_id(*, action_id: int, office_id: int) -> str:
    """The HTML id of an official's card on the call page (its live region is this plus "-status")."""
    return f"target-{action_id}-{office_id}"


@dataclass
class Target:
    """One office to contact for an action, with the script filled in for it."""

    action: Action
    entry: OfficialEntry
    script: RenderedScript
    voicemail: RenderedScript
    is_fixed: bool
    # The caller's latest logged outcome for this action and office, if any.
    last_outcome: str = ""
    # The caller's latest call that counts (not undone), and when they logged each call of the
    # per-office window, oldest first (in the caller's zone).
    last_call_id: int | None = None
    last_call_at: dt.datetime | None = None
    window_calls: list[dt.datetime] = field(default_factory=list)
    now: dt.datetime | None = None

    @property
    def undo_until(self) -> dt.datetime | None:
        """Until when the latest call can be undone, if it still can."""
        if self.last_call_at is None:
            return None
        until = self.last_call_at + CALL_UNDO_WINDOW
        return until if (self.now or timezone.now()) < until else None

    @property
    def limit_reached(self) -> bool:
        return len(self.window_calls) >= max_calls_per_office()

    @property
    def next_call_at(self) -> dt.datetime | None:
        """When the per-office limit lets the caller log the next call (None: now)."""
        if not self.limit_reached:
            return None
        return self.window_calls[len(self.window_calls) - max_calls_per_office()] + CALLS_PER_OFFICE_WINDOW

    # When the office answers, from its answer rates (tallies.selectors), for the call card.
    answer_summary: str = ""

    @property
    def office(self) -> Office:
        return self.entry.office

    @property
    def dom_id(self) -> str:
        return target_dom_id(action_id=self.action.pk, office_id=self.entry.office.pk)

    @property
    def title(self) -> str:
        """The office's title; a target list's Spanish title for a Spanish reader."""
        return getattr(self.entry, "title", "") or self.entry.office.title

    @property
    def district(self) -> str:
        """A target list member's district ("Ward 7"), "" for other offices."""
        return getattr(self.entry, "district", "")

    @property
    def party(self) -> str:
        if self.entry.term is not None and self.entry.term.party:
            return self.entry.term.party
        return self.entry.person.party if self.entry.person is not None else ""

    @property
    def is_done(self) -> bool:
        return self.last_outcome in DONE_OUTCOMES

    @property
    def district_phones(self):
        main = self.entry.main_phone
        return [cp for cp in self.entry.phones if cp is not main]

    @property
    def last_outcome_label(self) -> str:
        return Outcome(self.last_outcome).label if self.last_outcome else ""


@dataclass
class ActionTargets:
    action: Action
    targets: list[Target] = field(default_factory=list)
    # Roles the caller has no official for (no ZIP yet, or no data for their state).
    missing_roles: list[str] = field(default_factory=list)
    # An "own member" target list: several members represent the caller's ZIP (pick one), or no ZIP yet.
    list_choices: list[ListEntry] = field(default_factory=list)
    list_needs_zip: bool = False

    @property
    def done_count(self) -> int:
        return sum(1 for t in self.targets if t.is_done)

    @property
    def total(self) -> int:
        return len(self.targets)


@dataclass
class CampaignTargets:
    lookup: OfficialsLookup | None
    actions: list[ActionTargets]
    zip_error: str = ""

    @property
    def needs_zip(self) -> bool:
        return self.lookup is None

    @property
    def split(self) -> bool:
        return self.lookup is not None and self.lookup.split

    @property
    def asks_district(self) -> bool:
        """A split ZIP matters only to a campaign that calls a U.S. representative."""
        return self.split and any(OfficeRole.US_HOUSE in a.action.target_roles for a in self.actions)

    @property
    def all_done(self) -> bool:
        """The caller has logged an outcome for every target of every action (the "done" screen)."""
        targets = [t for a in self.actions for t in a.targets]
        return bool(targets) and not self.needs_zip and all(t.last_outcome for t in targets)


def campaign_targets(
    *, campaign: Campaign, user, zip_code: str | None = None, district_ocd_id: str | None = None
) -> CampaignTargets:
    """Whom the user contacts for each action, with the scripts filled in.

    Roles are resolved against the caller's officials from `zip_code` (default: their saved
    ZIP and district); fixed offices are the same for everyone. Raises nothing for a bad
    ZIP: `zip_error` says what is wrong and role targets are left out.
    """
    if zip_code is None:
        zip_code = getattr(user, "zip_code", "") or ""
        if district_ocd_id is None:
            district_ocd_id = getattr(user, "district_ocd_id", "") or ""
    lookup, zip_error = _officials_lookup(zip_code=zip_code, district_ocd_id=district_ocd_id or "")
    caller = Caller.from_user(user, zip5=lookup.zip5 if lookup else "", state=lookup.state or "" if lookup else "")

    actions = list(campaign.actions.all())
    fixed_offices = {office.pk: office for action in actions for office in action.target_offices.all()}
    fixed_entries = {e.office.pk: e for e in office_entries(offices=fixed_offices.values())} if fixed_offices else {}
    card = _CardContext(
        caller=caller,
        officials=lookup.entries if lookup else [],
        history=_caller_history(user=user, campaign=campaign),
        now=timezone.now(),
    )
    result = []
    for action in actions:
        action_targets = ActionTargets(action=action)
        chosen = _role_and_fixed_entries(action_targets, lookup=lookup, fixed_entries=fixed_entries)
        if action.target_list_id is not None:
            chosen += _list_entries(action_targets, zip_code=zip_code, user=user)
        action_targets.targets = _targets(action, chosen, card)
        result.append(action_targets)
    return CampaignTargets(lookup=lookup, actions=result, zip_error=zip_error)


def _officials_lookup(*, zip_code: str, district_ocd_id: str) -> tuple[OfficialsLookup | None, str]:
    """(the caller's officials, or None without a ZIP or with a bad one; the bad ZIP's message, or "")."""
    if not zip_code:
        return None, ""
    try:
        return officials_for_zip(zip_code=zip_code, district_ocd_id=district_ocd_id), ""
    except InvalidZipCode as exc:
        return None, exc.messages[0]


def _role_and_fixed_entries(
    action_targets: ActionTargets, *, lookup: OfficialsLookup | None, fixed_entries: dict
) -> list[tuple[OfficialEntry, bool]]:
    """(entry, is_fixed) of the caller's officials in the action's roles, then its fixed offices; notes the roles missing."""
    action = action_targets.action
    role_entries = lookup.for_roles(action.target_roles) if lookup else []
    found_roles = {e.role for e in role_entries}
    action_targets.missing_roles = [r for r in action.target_roles if r not in found_roles]
    chosen = [(e, False) for e in role_entries]
    chosen += [(fixed_entries[o.pk], True) for o in action.target_offices.all() if o.pk in fixed_entries]
    return chosen


def _list_entries(action_targets: ActionTargets, *, zip_code: str, user) -> list[tuple[ListEntry, bool]]:
    """(entry, is_fixed) of the members of the action's target list this caller calls; notes a choice to make."""
    action = action_targets.action
    on_list = list_targets_for_caller(
        target_list_id=action.target_list_id, mode=action.target_list_mode, zip_code=zip_code or "", user=user
    )
    action_targets.list_choices = on_list.choices or []
    action_targets.list_needs_zip = on_list.needs_zip
    # Everyone on an "all members" list is called by everyone, like a fixed office.
    return [(entry, action.target_list_mode == TargetListMode.ALL) for entry in on_list.entries]


@dataclass(frozen=True)
class _CardContext:
    """What every target's card of one page shares: who calls, their officials (for the scripts), their calls."""

    caller: Caller
    officials: list
    history: dict[tuple[int, int], dict]
    now: dt.datetime


def _targets(action: Action, chosen: list, card: _CardContext) -> list[Target]:
    """One target per office (the first way it was chosen wins), its scripts filled in for it."""
    local = action.local
    targets = []
    seen = set()
    for entry, is_fixed in chosen:
        if entry.office.pk in seen:
            continue
        seen.add(entry.office.pk)
        targets.append(
            Target(
                action=action,
                entry=entry,
                script=render_script(
                    local.script,
                    official=entry,
                    caller=card.caller,
                    officials=card.officials,
                    language=_text_language(action, "script", local.language),
                ),
                voicemail=render_script(
                    local.voicemail_script,
                    official=entry,
                    caller=card.caller,
                    officials=card.officials,
                    language=_text_language(action, "voicemail_script", local.language),
                ),
                is_fixed=is_fixed,
                now=card.now,
                **card.history.get((action.pk, entry.office.pk), {}),
            )
        )
    return targets


def _text_language(action, name: str, language: str) -> str:
    """The language a localised text is really in: Spanish only where the Spanish version exists."""
    if language == "es" and getattr(action, f"{name}_es", "").strip():
        return "es"
    return "en"


def _caller_history(*, user, campaign: Campaign) -> dict[tuple[int, int], dict]:
    """Per (action, office): the caller's latest counted call and the calls of the per-office window.

    Undone calls are left out (CallLog.objects.counted()), as the per-office limit leaves them out.
    """
    if not user.is_authenticated:
        return {}
    tz = user.zone
    window_start = timezone.now() - CALLS_PER_OFFICE_WINDOW
    rows = (
        CallLog.objects.counted()
        .filter(user=user, campaign=campaign)
        .order_by("id")
        .values_list("action_id", "office_id", "outcome", "id", "created_at")
    )
    history: dict[tuple[int, int], dict] = {}
    for action_id, office_id, outcome, call_id, created_at in rows:
        # Later rows overwrite earlier ones, leaving the latest call per (action, office).
        entry = history.setdefault((action_id, office_id), {"window_calls": []})
        local = created_at.astimezone(tz)
        entry.update(last_outcome=outcome, last_call_id=call_id, last_call_at=local)
        if created_at > window_start:
            entry["window_calls"].append(local)
    for entry in history.values():
        entry["window_calls"].sort()
    return history


def replies_for_data_export(*, user) -> list[dict]:
    """The replies the volunteer posted, for "Download my data" (see accounts.data_export)."""
    from accounts.data_export import when

    from .models import Reply

    return [
        {"campaign": r.campaign.slug, "body": r.body, "created_at": when(r.created_at), "hidden": r.is_hidden}
        for r in Reply.objects.filter(author=user).select_related("campaign").order_by("created_at", "id")
    ]
