"""Undoing a mis-tapped call: an undo row of its own, so CallLog stays append-only (see tallies.models)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from advocacy.errors import Conflict, NotFound

from ..models import CallLog
from .nudge import rollup_nudge
from .rules import CALL_UNDO_WINDOW


class CallNotFound(NotFound):
    code = "call_not_found"
    default_message = gettext_lazy("No such call of yours.")


class UndoWindowClosed(Conflict):
    code = "undo_window_closed"
    default_message = gettext_lazy("A call can be undone only in the 10 minutes after it was logged.")


def call_log_undo(*, user, call_id: int, now=None) -> tuple[CallLog, bool]:
    """Undo one of the caller's own calls: (the undo row, created).

    Idempotent: undoing an undone call returns its undo (created=False), whenever it is asked.
    Another user's call, an unknown id or an undo row answers CallNotFound, so ids cannot be
    probed. The undo is a mirror of the call with weight -1 and the call's created_at: the
    rollup applies it once like any row, every figure keyed by the call's day, hour, office
    or member drops back exactly, and the per-office limit (which sums the weights of the
    caller's rows in the window) gets its place back on every path that logs.
    """
    call = CallLog.objects.filter(pk=call_id, user=user, undoes__isnull=True).first() if user.is_authenticated else None
    if call is None:
        raise CallNotFound()
    existing = CallLog.objects.filter(undoes_id=call.pk).first()
    if existing is not None:
        return existing, False
    now = now or timezone.now()
    if now - call.created_at > CALL_UNDO_WINDOW:
        raise UndoWindowClosed()
    undo = CallLog(
        user_id=call.user_id,
        campaign_id=call.campaign_id,
        action_id=call.action_id,
        office_id=call.office_id,
        person_id=call.person_id,
        contact_point_id=call.contact_point_id,  # the answer rates take it back from the same number
        outcome=call.outcome,
        chapter_id=call.chapter_id,
        source=call.source,
        created_at=call.created_at,
        weight=-1,
        undoes=call,
    )
    try:
        with transaction.atomic():
            undo.save(force_insert=True)
    except IntegrityError:
        # A second undo of the same call committed first (a double tap): that one stands.
        return CallLog.objects.get(undoes_id=call.pk), False
    transaction.on_commit(rollup_nudge)
    return undo, True
