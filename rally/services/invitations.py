"""Invitations: a lead invites people by email to join the chapter; an invitation is accepted once,
by the mailbox it was sent to.

Sending is bounded: per chapter and per lead in any 24 hours (INVITATIONS_PER_CHAPTER_PER_DAY,
overridable per chapter in the admin, and INVITATIONS_PER_LEAD_PER_DAY), so one careless or
stolen lead account cannot get the site's sending domain blocklisted. A mailbox that bounced or
asked not to be invited is never invited again.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

from accounts.emails import email_key
from accounts.models import Chapter, User
from accounts.services import chapter_join

from .. import selectors
from ..models import DoNotInvite, Invitation, InvitationLimitAlert
from ..selectors import INVITATION_WINDOW, Quota
from .common import RallyError

logger = logging.getLogger(__name__)

MAX_INVITATIONS = 500
INVITATION_VALID_FOR = dt.timedelta(days=14)
REINVITE_AFTER = dt.timedelta(days=30)


class InvitationLimitReached(RallyError):
    """More new addresses than the chapter's or the lead's 24-hour allowance has left.

    `retry_after`: seconds until the same paste would fit (None: it never will, it is larger
    than the whole allowance); `quota`: the allowance that refused it.
    """

    def __init__(self, message: str, *, quota: Quota, retry_after: int | None):
        super().__init__(message)
        self.quota = quota
        self.retry_after = retry_after


class InvitationNotForYou(RallyError):
    """The signed-in account does not hold (a confirmed) invited address."""

    def __init__(self, message: str, *, masked_email: str):
        super().__init__(message)
        self.masked_email = masked_email


def _parse_addresses(addresses: str | list[str]) -> tuple[list[str], list[str]]:
    """(valid addresses, lowercased, one per mailbox, in order; invalid entries)."""
    if isinstance(addresses, str):
        addresses = addresses.replace(",", "\n").replace(";", "\n").split()
    seen, valid, invalid = set(), [], []
    for raw in addresses:
        address = raw.strip().strip("<>").lower()
        if not address:
            continue
        key = email_key(address)
        if key in seen:
            continue
        seen.add(key)
        try:
            validate_email(address)
        except ValidationError:
            invalid.append(raw[:100])
        else:
            valid.append(address)
    return valid, invalid


def _when(moment: dt.datetime, chapter: Chapter) -> str:
    local = timezone.localtime(moment, chapter.zone)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({chapter.zone.key.replace('_', ' ')})"


def _limit_message(*, quota: Quota, count: int, chapter: Chapter, available_at: dt.datetime | None) -> str:
    if quota.scope == "chapter":
        text = ngettext(
            "This chapter may send %(limit)s invitation in any 24 hours and has %(remaining)s left now; "
            "you pasted %(count)s new addresses.",
            "This chapter may send %(limit)s invitations in any 24 hours and has %(remaining)s left now; "
            "you pasted %(count)s new addresses.",
            quota.limit,
        )
    else:
        text = ngettext(
            "You may send %(limit)s invitation in any 24 hours and have %(remaining)s left now; "
            "you pasted %(count)s new addresses.",
            "You may send %(limit)s invitations in any 24 hours and have %(remaining)s left now; "
            "you pasted %(count)s new addresses.",
            quota.limit,
        )
    text %= {"limit": quota.limit, "remaining": quota.remaining, "count": count}
    if available_at is None:
        return text + " " + gettext("Paste at most %(remaining)s.") % {"remaining": quota.remaining}
    return (
        text + " " + gettext("Send fewer now, or all of them from %(when)s.") % {"when": _when(available_at, chapter)}
    )


@dataclass(frozen=True)
class _Sorted:
    """A paste's valid addresses sorted by what becomes of them: members, recent, suppressed, or invited."""

    valid: list[str]
    keys: dict[str, str]  # address -> email_key
    members: set[str]
    recent: set[str]
    suppressed: set[str]

    @classmethod
    def read(cls, *, chapter: Chapter, valid: list[str], now) -> _Sorted:
        keys = {a: email_key(a) for a in valid}
        wanted = list(keys.values())
        return cls(
            valid=valid,
            keys=keys,
            members=selectors.member_email_keys(chapter=chapter, keys=wanted),
            recent=selectors.invitation_recent_keys(chapter=chapter, keys=wanted, since=now - REINVITE_AFTER),
            suppressed=selectors.do_not_invite_keys(keys=wanted),
        )

    def to_invite(self) -> list[str]:
        skipped = self.members | self.recent | self.suppressed
        return [a for a in self.valid if self.keys[a] not in skipped]

    def listed(self) -> dict[str, list[str]]:
        """The skipped addresses, each listed once under the first reason that skips it."""
        keys, members, recent = self.keys, self.members, self.recent
        return {
            "members": [a for a in self.valid if keys[a] in members],
            "recent": [a for a in self.valid if keys[a] in recent and keys[a] not in members],
            "suppressed": [a for a in self.valid if keys[a] in self.suppressed and keys[a] not in members | recent],
        }


def invitations_create(*, chapter: Chapter, addresses: str | list[str], user: User | None = None, now=None) -> dict:
    """Invite each new mailbox once, within the 24-hour limits.

    Skipped and listed: members, mailboxes invited in the last 30 days, mailboxes that bounced or
    asked not to be invited. More new addresses than a limit has left refuses the whole paste
    (InvitationLimitReached: nothing is written but the staff alert). Returns {"invited",
    "members", "recent", "suppressed", "invalid", "limits"}.
    """
    now = now or timezone.now()
    valid, invalid = _parse_addresses(addresses)
    _check_paste_size(count=len(valid) + len(invalid))
    with transaction.atomic():
        # One paste at a time per chapter and per lead, so two pastes can't both fit the last room.
        Chapter.objects.select_for_update().filter(pk=chapter.pk).first()
        if user is not None:
            User.objects.select_for_update().filter(pk=user.pk).only("id").first()
        sorted_ = _Sorted.read(chapter=chapter, valid=valid, now=now)
        to_invite = sorted_.to_invite()
        chapter_quota, lead_quota = selectors.invitation_quotas(chapter=chapter, user=user, now=now)
        refusal = _limit_refusal((chapter_quota, lead_quota), count=len(to_invite), chapter=chapter, now=now)
        created = []
        if refusal is None and to_invite:
            created = _invitations_write(chapter=chapter, user=user, addresses=to_invite, keys=sorted_.keys, now=now)
        chapter_full = (refusal is not None and refusal.quota.scope == "chapter") or (
            created and chapter_quota.remaining - len(created) <= 0
        )
        if chapter_full:
            _limit_alert(chapter=chapter, now=now)
    if refusal is not None:
        raise refusal
    chapter_after, lead_after = selectors.invitation_quotas(chapter=chapter, user=user, now=now)
    return {
        "invited": to_invite,
        **sorted_.listed(),
        "invalid": invalid,
        "limits": {"chapter": chapter_after, "lead": lead_after},
    }


def _check_paste_size(*, count: int) -> None:
    """A paste holds one address at least and MAX_INVITATIONS at most (valid or not)."""
    if not count:
        raise RallyError(gettext("Paste at least one email address."))
    if count > MAX_INVITATIONS:
        raise RallyError(
            gettext("At most %(max)s addresses at a time (%(count)s pasted).")
            % {"max": MAX_INVITATIONS, "count": count}
        )


def _limit_refusal(quotas, *, count: int, chapter: Chapter, now) -> InvitationLimitReached | None:
    """The refusal of the first allowance (the chapter's, then the lead's) with less room than the paste needs."""
    for quota in quotas:
        if quota is not None and count > quota.remaining:
            available_at = quota.available_at(count)
            return InvitationLimitReached(
                _limit_message(quota=quota, count=count, chapter=chapter, available_at=available_at),
                quota=quota,
                retry_after=None if available_at is None else max(1, int((available_at - now).total_seconds())),
            )
    return None


def _invitations_write(*, chapter: Chapter, user: User | None, addresses: list[str], keys: dict, now) -> list:
    """The invitations, written in one INSERT; they are emailed once the transaction commits."""
    from ..tasks import send_invitations_task

    created = Invitation.objects.bulk_create(
        [
            Invitation(
                chapter=chapter,
                email=a,
                email_key=keys[a],
                invited_by=user,
                created_at=now,
                expires_at=now + INVITATION_VALID_FOR,
                join_link_version=chapter.join_link_version,
            )
            for a in addresses
        ]
    )
    ids = [i.pk for i in created]
    transaction.on_commit(lambda: send_invitations_task.delay(invitation_ids=ids))
    return created


def _limit_alert(*, chapter: Chapter, now) -> None:
    """Tell staff a chapter has used its allowance, once per window (a refused paste counts too)."""
    from ..tasks import send_invitation_limit_alert_task

    if InvitationLimitAlert.objects.filter(chapter=chapter, sent_at__gt=now - INVITATION_WINDOW).exists():
        return
    alert = InvitationLimitAlert.objects.create(chapter=chapter, sent_at=now)
    transaction.on_commit(lambda: send_invitation_limit_alert_task.delay(alert_id=alert.pk))


def do_not_invite_add(*, email: str, reason: str, detail: str = "") -> DoNotInvite:
    """Never invite this mailbox again; its pending invitations are revoked. Adding it twice changes nothing."""
    key = email_key(email)
    try:
        with transaction.atomic():
            entry, _created = DoNotInvite.objects.get_or_create(
                email_key=key, defaults={"reason": reason, "detail": detail}
            )
    except IntegrityError:
        entry = DoNotInvite.objects.get(email_key=key)
    Invitation.objects.filter(email_key=key, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.REVOKED, revoked_at=timezone.now()
    )
    return entry


def _usable(invitation: Invitation | None, now) -> Invitation:
    if invitation is None:
        raise RallyError(gettext("This invitation link is not valid."))
    if invitation.status == Invitation.Status.JOINED:
        raise RallyError(gettext("This invitation has been used already. Ask the chapter's lead for a new one."))
    if invitation.status != Invitation.Status.PENDING or invitation.join_link_version != (
        invitation.chapter.join_link_version
    ):
        raise RallyError(gettext("This invitation was withdrawn. Ask the chapter's lead for a new one."))
    if invitation.expires_at <= now:
        raise RallyError(gettext("This invitation has expired. Ask the chapter's lead for a new one."))
    return invitation


def _masked(address: str) -> str:
    local, _at, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


def invitation_check_invitee(*, invitation: Invitation, user: User) -> None:
    """RallyError unless the user holds the invited mailbox as a confirmed address."""
    from allauth.account.models import EmailAddress

    confirmed = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    if invitation.email_key not in {email_key(address) for address in confirmed}:
        raise InvitationNotForYou(
            gettext(
                "This invitation was sent to %(address)s, which is not a confirmed address of your account. "
                "Sign in with that address, or add it to your account and confirm it, then open the link again."
            )
            % {"address": _masked(invitation.email)},
            masked_email=_masked(invitation.email),
        )


def invitation_accept(*, invitation_id: int, user: User, now=None) -> Invitation:
    """Use an invitation: once, before it expires, by the account holding the invited address."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = _usable(
            Invitation.objects.select_for_update(of=("self",))
            .select_related("chapter")
            .filter(pk=invitation_id)
            .first(),
            now,
        )
        invitation_check_invitee(invitation=invitation, user=user)
        chapter_join(user=user, chapter=invitation.chapter)
        invitation.status = Invitation.Status.JOINED
        invitation.joined_at = now
        invitation.joined_user = user
        invitation.save(update_fields=["status", "joined_at", "joined_user"])
    return invitation


def invitation_check(*, invitation_id: int | None, now=None) -> Invitation:
    """The invitation if its link can still be used, else RallyError (for the page before Join)."""
    now = now or timezone.now()
    return _usable(Invitation.objects.select_related("chapter").filter(pk=invitation_id).first(), now)


def invitation_revoke(*, chapter: Chapter, invitation_id: int, now=None) -> Invitation:
    """Withdraw a pending invitation: its link stops working. Revoking twice changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(pk=invitation_id, chapter=chapter).first()
        if invitation is None:
            raise Invitation.DoesNotExist
        if invitation.status == Invitation.Status.JOINED:
            raise RallyError(
                gettext("This invitation was accepted already: remove the member from the chapter instead.")
            )
        if invitation.status != Invitation.Status.REVOKED:
            invitation.status = Invitation.Status.REVOKED
            invitation.revoked_at = now
            invitation.save(update_fields=["status", "revoked_at"])
    return invitation


def invitations_void_for_chapter(*, chapter: Chapter, now=None) -> int:
    """A new join link voids every invitation not used yet (their links check the version anyway)."""
    return Invitation.objects.filter(chapter=chapter, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.REVOKED, revoked_at=now or timezone.now()
    )
