import hashlib
import logging
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Membership
from advocacy.api.exceptions import UnprocessableError
from campaigns.models import Action, Campaign
from officials.models import Office, Term

from .models import CallLog, Outcome, Source

logger = logging.getLogger(__name__)

# At most one rollup nudge per this many seconds, however many calls commit: at 1,000 calls/s
# the broker sees one message a second, not a thousand.
NUDGE_DEBOUNCE_SECONDS = 1
NUDGE_CACHE_KEY = "tallies:rollup-nudge"


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
        transaction.on_commit(rollup_nudge)
    except IntegrityError:
        if not idempotency_key:
            raise
        existing = CallLog.objects.get(user=user, idempotency_key=idempotency_key)
        if existing.request_hash != request_hash:
            raise IdempotencyKeyReused() from None
        return existing, False
    return call, True


def rollup_nudge() -> None:
    """Wake the rollup soon after calls commit. Best effort: never raises, never blocks for long.

    Runs after the call's transaction has committed. The beat runs the rollup every few seconds
    anyway and dashboards add the live tail, so a nudge that is skipped (Redis down, debounced)
    delays nothing a reader can see. The cache and the broker share Redis, so when the debounce
    key cannot be written (timeouts of 0.5 s) the message is not even tried.
    """
    from django.core.cache import cache

    from .tasks import rollup_calls_task

    try:
        if not cache.add(NUDGE_CACHE_KEY, 1, timeout=NUDGE_DEBOUNCE_SECONDS):
            return
        rollup_calls_task.apply_async(retry=False, expires=30)
    except Exception:  # the call is logged; a missed nudge is caught up by the beat
        logger.warning("could not nudge the tally rollup", exc_info=True)


def tally_user_forget(*, user_id: int) -> None:
    """Move a deleted account's tally rows to user 0, as CallLog's SET_NULL does to its calls.

    Runs inside the deletion's transaction (a pre_delete hook) and takes the rollup's mark row
    lock first, so no rollup runs between this move and the SET_NULL of the calls: the member
    tallies keep matching a recount.
    """
    from django.db import connection

    from .models import RollupState
    from .rollups import STATE_NAME, _ensure_state_row, tally_specs

    _ensure_state_row()
    with transaction.atomic():
        RollupState.objects.select_for_update().filter(name=STATE_NAME).first()
        with connection.cursor() as cursor:
            for spec in tally_specs():
                cols = [col for col, _ in spec.keys]
                if "user_id" not in cols:
                    continue
                moved = ", ".join("0" if col == "user_id" else col for col in cols)
                cursor.execute(
                    f"INSERT INTO {spec.table} ({', '.join(cols)}, n) "  # noqa: S608
                    f"SELECT {moved}, n FROM {spec.table} WHERE user_id = %s AND true "
                    f"ON CONFLICT ({', '.join(cols)}) DO UPDATE SET n = {spec.table}.n + excluded.n",
                    [user_id],
                )
                cursor.execute(f"DELETE FROM {spec.table} WHERE user_id = %s", [user_id])  # noqa: S608
