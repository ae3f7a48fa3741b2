import hashlib
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Membership
from advocacy.api.exceptions import UnprocessableError
from campaigns.models import Action, Campaign
from officials.models import Office, Term

from .models import CallLog, Outcome, Source


class IdempotencyKeyReused(UnprocessableError):
    default_code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used for a different call."


def _request_hash(*, campaign_id, action_id, office_id, outcome, note) -> str:
    material = f"{campaign_id}|{action_id}|{office_id}|{outcome}|{note}"
    return hashlib.sha256(material.encode()).hexdigest()


def caller_chapter_id(*, user, campaign: Campaign) -> int | None:
    """The chapter a call counts for: the campaign's own, else the caller's first chapter."""
    if campaign.chapter_id is not None:
        return campaign.chapter_id
    return Membership.objects.filter(user=user).order_by("joined_at", "id").values_list("chapter_id", flat=True).first()


def call_log_create(
    *,
    user,
    campaign: Campaign,
    action: Action,
    office: Office,
    outcome: str,
    note: str = "",
    source: str = Source.WEB,
    idempotency_key: str | None = None,
    client_timestamp: datetime | None = None,
) -> tuple[CallLog, bool]:
    """Log one call. Returns (call, created).

    The one way a call is logged, by the page, the API and the batch upload. It is a single
    INSERT and never waits on Redis or Celery. The same idempotency key with the same call
    returns the first row (created=False); with a different call it raises IdempotencyKeyReused.
    """
    if action.campaign_id != campaign.pk:
        raise ValidationError({"action": "This action belongs to another campaign."})
    if campaign.status != Campaign.Status.ACTIVE:
        raise ValidationError({"campaign": "This campaign is not accepting calls."})
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": f"Unknown outcome {outcome!r}."})
    if office.role not in action.target_roles and not action.target_offices.filter(pk=office.pk).exists():
        raise ValidationError({"office": "This office is not a target of this action."})
    if (
        campaign.chapter_id is not None
        and not Membership.objects.filter(user=user, chapter_id=campaign.chapter_id).exists()
    ):
        raise PermissionDenied("This campaign belongs to a chapter you are not a member of.")
    note = (note or "").strip()
    if len(note) > 1000:
        raise ValidationError({"note": "Keep the note under 1,000 characters."})

    request_hash = _request_hash(
        campaign_id=campaign.pk, action_id=action.pk, office_id=office.pk, outcome=outcome, note=note
    )
    person_id = Term.objects.current().filter(office=office).values_list("person_id", flat=True).first()
    try:
        with transaction.atomic():
            call = CallLog.objects.create(
                user=user,
                campaign=campaign,
                action=action,
                office=office,
                person_id=person_id,
                outcome=outcome,
                chapter_id=caller_chapter_id(user=user, campaign=campaign),
                source=source,
                idempotency_key=idempotency_key or None,
                request_hash=request_hash,
                client_timestamp=client_timestamp,
                note=note,
            )
    except IntegrityError:
        if not idempotency_key:
            raise
        existing = CallLog.objects.get(user=user, idempotency_key=idempotency_key)
        if existing.request_hash != request_hash:
            raise IdempotencyKeyReused() from None
        return existing, False
    return call, True
