"""The rules every logged call obeys, and the errors that refuse one: shared by one call and a batch."""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership
from advocacy.errors import LimitReached, Unprocessable
from campaigns.errors import CampaignNotFound
from campaigns.models import Action, Campaign
from officials.models import Office, OfficeRole, Term
from officials.selectors import office_ids_for_caller
from targetlists.selectors import MODE_OWN, list_has_office, list_office_ids_for_caller

from ..call_input import MAX_NOTE_LENGTH, OUTCOMES_BY_KIND, CallRefused, outcome_fits
from ..models import CallLog, Outcome

OUTCOMES = frozenset(Outcome.values)


CALLS_PER_OFFICE_WINDOW = timedelta(hours=24)
# How long after logging a call the caller may undo it (a mis-tap is noticed at once).
CALL_UNDO_WINDOW = timedelta(minutes=10)


def max_calls_per_office() -> int:
    """How many calls one caller may log to one office for one action in any 24 hours (3)."""
    return settings.CALLS_PER_OFFICE_PER_DAY


class IdempotencyKeyReused(Unprocessable):
    code = "idempotency_key_reused"
    default_message = gettext_lazy("This Idempotency-Key was already used for a different call.")


class ZipCodeRequired(Unprocessable):
    code = "zip_code_required"
    default_message = gettext_lazy(
        "Set your ZIP code on your profile first: calls to your own officials count only from their constituents."
    )


class TooManyCallsToOffice(LimitReached):
    code = "too_many_calls_to_office"

    def __init__(self, *, retry_after: int | None = None):
        super().__init__(
            _(
                "You have already logged %(count)s calls to this office for this action in the last "
                "24 hours; further calls are not counted."
            )
            % {"count": max_calls_per_office()}
        )
        # Seconds until the oldest of those calls leaves the 24-hour window (the API's Retry-After).
        self.retry_after = retry_after


def caller_office_ids(*, user) -> frozenset[int] | None:
    """The offices the caller is a constituent of, from the ZIP and district on their profile (None: no ZIP)."""
    return office_ids_for_caller(
        zip_code=getattr(user, "zip_code", "") or "", district_ocd_id=getattr(user, "district_ocd_id", "") or ""
    )


def fixed_target_office_ids(*, action: Action) -> frozenset[int]:
    """The action's fixed targets (the same for every caller, e.g. the Department of Justice)."""
    return frozenset(action.target_offices.values_list("pk", flat=True))


def caller_list_office_ids(*, user, action: Action) -> frozenset[int] | None:
    """The members of the action's target list this caller may call (None: an "own member" list and no ZIP)."""
    return list_office_ids_for_caller(
        target_list_id=action.target_list_id,
        mode=action.target_list_mode,
        zip_code=getattr(user, "zip_code", "") or "",
    )


def call_request_hash(*, campaign_id, action_id, office_id, outcome, note) -> str:
    material = f"{campaign_id}|{action_id}|{office_id}|{outcome}|{note}"
    return hashlib.sha256(material.encode()).hexdigest()


def first_chapter_query(*, user_id):
    return Membership.objects.filter(user_id=user_id).order_by("joined_at", "id")


def current_holder_query(**filters):
    """Current terms, newest start first (Term's ordering): the first one per office is its holder."""
    return Term.objects.current().filter(**filters)


def per_office_window_start(now: datetime) -> datetime:
    return now - CALLS_PER_OFFICE_WINDOW


def per_office_retry_after(*, user, action, office, now: datetime | None = None) -> int:
    """Whole seconds until the caller may call this office for this action again (at least 1).

    The oldest of their calls in the window leaves it first; the next call counts from then.
    """
    now = now or timezone.now()
    oldest = (
        CallLog.objects.filter(
            user_id=user.pk, action_id=action.pk, office_id=office.pk, created_at__gt=per_office_window_start(now)
        )
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if oldest is None:
        return 1
    return max(1, math.ceil((oldest + CALLS_PER_OFFICE_WINDOW - now).total_seconds()))


def call_rule_violation(
    *,
    campaign: Campaign,
    action: Action,
    office: Office,
    outcome: str,
    note: str,
    is_fixed_target,
    is_member,
    caller_offices,
    list_offices=lambda: frozenset(),
) -> Exception | None:
    """The rules every logged call obeys, or None. Shared by call_log_create and call_log_create_batch.

    `is_fixed_target()`, `is_member()` and `caller_offices()` are callables so that one call
    queries only when a rule needs it and a batch answers from what it loaded once. A fixed
    target (the Department of Justice) is open to everyone; an office targeted by role only to
    its constituents: `caller_offices()` is the set of the caller's own offices, None when the
    caller has no ZIP. `note` is the stripped note. The per-office limit is checked where the
    call is written (it needs the calls already stored). A member of a chapter's target list is
    a target of an action that names the list: `list_offices()` is the members this caller may
    call (caller_list_office_ids), so "own member" actions keep the constituent rule.
    """
    return (
        _campaign_violation(campaign=campaign, action=action, is_member=is_member)
        or _outcome_violation(action=action, outcome=outcome)
        or _office_violation(
            action=action,
            office=office,
            is_fixed_target=is_fixed_target,
            caller_offices=caller_offices,
            list_offices=list_offices,
        )
        or _note_violation(note)
    )


def _campaign_violation(*, campaign: Campaign, action: Action, is_member) -> Exception | None:
    """The campaign and action may take a call from this caller."""
    if action.campaign_id != campaign.pk:
        return CallRefused("unknown_action", {"action": _("This action belongs to another campaign.")})
    # Another chapter's campaign, or a draft nobody may call yet, answers like a missing one.
    if campaign.chapter_id is not None and not is_member():
        return CampaignNotFound()
    if campaign.status == Campaign.Status.DRAFT and campaign.chapter_id is None:
        return CampaignNotFound()
    if not campaign.accepts_calls():
        return CallRefused("campaign_closed", {"campaign": _("This campaign is not accepting calls.")})
    return None


def _outcome_violation(*, action: Action, outcome: str) -> Exception | None:
    """The outcome is one we know, and fits the kind of action (a letter is not left on voicemail)."""
    if outcome not in OUTCOMES:
        return CallRefused(
            "outcome_not_for_action", {"outcome": _("Unknown outcome %(outcome)r.") % {"outcome": outcome}}
        )
    if not outcome_fits(kind=action.kind, outcome=outcome):
        return CallRefused(
            "outcome_not_for_action",
            {
                "outcome": _("This outcome does not fit this kind of action: use one of %(outcomes)s.")
                % {"outcomes": ", ".join(sorted(OUTCOMES_BY_KIND[action.kind]))}
            },
        )
    return None


def _office_violation(*, action: Action, office: Office, is_fixed_target, caller_offices, list_offices):
    """The office is a target of the action for this caller: a list member, one of their officials, or fixed."""
    if office.role == OfficeRole.LIST_TARGET and action.target_list_id is not None:
        return _list_member_violation(
            action=action, office=office, is_fixed_target=is_fixed_target, list_offices=list_offices
        )
    if office.role in action.target_roles:
        return _constituent_violation(office=office, is_fixed_target=is_fixed_target, caller_offices=caller_offices)
    if not is_fixed_target():
        return CallRefused("not_a_target", {"office": _("This office is not a target of this action.")})
    return None


def _list_member_violation(*, action: Action, office: Office, is_fixed_target, list_offices):
    """A member of the action's target list, callable by this caller (an "own member" list: their own only)."""
    mine = list_offices()
    if (mine is not None and office.pk in mine) or is_fixed_target():
        return None
    if mine is None:
        return ZipCodeRequired()
    if action.target_list_mode == MODE_OWN and list_has_office(
        target_list_id=action.target_list_id, office_id=office.pk
    ):
        return CallRefused(
            "not_a_constituent",
            {
                "office": _(
                    "This person on the list does not represent the ZIP code on your profile: "
                    "calls count only from their constituents."
                )
            },
        )
    return CallRefused("not_a_target", {"office": _("This office is not a target of this action.")})


def _constituent_violation(*, office: Office, is_fixed_target, caller_offices):
    """An office targeted by role: open only to its constituents (unless it is also a fixed target)."""
    mine = caller_offices()
    if (mine is not None and office.pk in mine) or is_fixed_target():
        return None
    if mine is None:
        return ZipCodeRequired()
    return CallRefused(
        "not_a_constituent",
        {
            "office": _(
                "This office is not one of your officials for the ZIP code on your profile: "
                "calls count only from an office's constituents."
            )
        },
    )


def _note_violation(note: str) -> Exception | None:
    if len(note) > MAX_NOTE_LENGTH:
        return ValidationError({"note": _("Keep the note under 1,000 characters.")})
    return None
