"""Invitations: a lead invites people by email to join the chapter; an invitation is accepted once."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import Chapter, User
from accounts.services import chapter_join
from reminders.services import Mailer, TransientSendError, is_permanent, smtp_error

from .. import selectors
from ..models import Invitation
from ..tokens import invitation_token_make
from .common import RallyError

logger = logging.getLogger(__name__)

MAX_INVITATIONS = 500
INVITATION_VALID_FOR = dt.timedelta(days=14)
REINVITE_AFTER = dt.timedelta(days=30)


def _parse_addresses(text: str) -> tuple[list[str], list[str]]:
    """(valid addresses, lowercased and without repeats, in order; invalid entries)."""
    seen, valid, invalid = set(), [], []
    for raw in text.replace(",", "\n").replace(";", "\n").split():
        address = raw.strip().strip("<>").lower()
        if not address or address in seen:
            continue
        seen.add(address)
        try:
            validate_email(address)
        except ValidationError:
            invalid.append(raw[:100])
        else:
            valid.append(address)
    return valid, invalid


def invitations_create(*, chapter: Chapter, addresses: str, user: User | None = None, now=None) -> dict:
    """Invite each new address once; members and addresses invited in the last 30 days are skipped and listed.

    Returns {"invited": [...], "members": [...], "recent": [...], "invalid": [...]}.
    """
    from ..tasks import send_invitations_task

    now = now or timezone.now()
    valid, invalid = _parse_addresses(addresses)
    if not valid and not invalid:
        raise RallyError("Paste at least one email address.")
    if len(valid) + len(invalid) > MAX_INVITATIONS:
        raise RallyError(f"At most {MAX_INVITATIONS} addresses at a time ({len(valid) + len(invalid)} pasted).")
    with transaction.atomic():
        # One lead at a time per chapter, so two pastes of the same list can't both invite.
        Chapter.objects.select_for_update().filter(pk=chapter.pk).first()
        members = selectors.member_emails(chapter=chapter, emails=valid)
        recent = selectors.invitation_recent_emails(chapter=chapter, emails=valid, since=now - REINVITE_AFTER)
        to_invite = [a for a in valid if a not in members and a not in recent]
        created = Invitation.objects.bulk_create(
            [
                Invitation(
                    chapter=chapter, email=a, invited_by=user, created_at=now, expires_at=now + INVITATION_VALID_FOR
                )
                for a in to_invite
            ]
        )
        ids = [i.pk for i in created]
        if ids:
            transaction.on_commit(lambda: send_invitations_task.delay(invitation_ids=ids))
    return {
        "invited": to_invite,
        "members": [a for a in valid if a in members],
        "recent": [a for a in valid if a in recent and a not in members],
        "invalid": invalid,
    }


def _invitation_languages(invitation: Invitation) -> list[str]:
    """The languages an invitation is written in, the first one first.

    Someone who already has an account gets their own language. Anyone else may read either,
    and we cannot know which: both, the inviting lead's language first.
    """
    account = User.objects.filter(email__iexact=invitation.email).only("language").first()
    if account is not None and account.language:
        return [account.language]
    inviter = invitation.invited_by
    first = (inviter.language if inviter else "") or settings.LANGUAGE_CODE
    return [first, *(code for code, _name in settings.LANGUAGES if code != first)]


def invitations_send(*, invitation_ids: list[int]) -> int:
    """Send the invitations not sent yet over one SMTP connection; a 5xx refusal marks one bounced."""
    mailer = Mailer.create()
    invitations = list(
        Invitation.objects.filter(pk__in=invitation_ids, sent_at__isnull=True, status=Invitation.Status.PENDING)
        .select_related("chapter", "invited_by")
        .order_by("id")
    )
    if not invitations:
        return 0
    sent = 0
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientSendError(smtp_error(exc)) from exc
    try:
        for invitation in invitations:
            url = mailer.url(
                reverse("rally:invitation_accept", args=[invitation_token_make(invitation_id=invitation.pk)])
            )
            context = {
                "invitation": invitation,
                "chapter": invitation.chapter,
                "inviter": invitation.invited_by.display_name if invitation.invited_by else invitation.chapter.name,
                "url": url,
                "site_name": mailer.site_name,
                "days": INVITATION_VALID_FOR.days,
            }
            languages = _invitation_languages(invitation)
            subjects, bodies = [], []
            for language in languages:
                with translation.override(language):
                    subjects.append(
                        gettext("You're invited to join %(chapter)s") % {"chapter": invitation.chapter.name}
                    )
                    bodies.append(render_to_string("rally/email/invitation.txt", context).strip())
            email = EmailMultiAlternatives(
                subject=f"[{mailer.site_name}] " + " / ".join(subjects),
                body="\n\n— — —\n\n".join(bodies) + "\n",
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[invitation.email],
            )
            try:
                connection.send_messages([email])
            except (smtplib.SMTPException, OSError) as exc:
                if is_permanent(exc):
                    Invitation.objects.filter(pk=invitation.pk).update(
                        status=Invitation.Status.BOUNCED, error=smtp_error(exc)[:2000]
                    )
                    continue
                raise TransientSendError(smtp_error(exc)) from exc
            Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
            sent += 1
    finally:
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            logger.warning("Could not close the SMTP connection cleanly", exc_info=True)
    return sent


def invitation_accept(*, invitation_id: int, user: User, now=None) -> Invitation:
    """Use an invitation: once, before it expires. The user joins the chapter."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("chapter").filter(pk=invitation_id).first()
        if invitation is None:
            raise RallyError(gettext("This invitation link is not valid."))
        if invitation.status == Invitation.Status.JOINED:
            raise RallyError(gettext("This invitation has been used already. Ask the chapter's lead for a new one."))
        if invitation.expires_at <= now:
            raise RallyError(gettext("This invitation has expired. Ask the chapter's lead for a new one."))
        chapter_join(user=user, chapter=invitation.chapter)
        invitation.status = Invitation.Status.JOINED
        invitation.joined_at = now
        invitation.joined_user = user
        invitation.save(update_fields=["status", "joined_at", "joined_user"])
    return invitation


def invitation_check(*, invitation_id: int | None, now=None) -> Invitation:
    """The invitation if its link can still be used, else RallyError (for the page before Join)."""
    now = now or timezone.now()
    invitation = Invitation.objects.select_related("chapter").filter(pk=invitation_id).first()
    if invitation is None:
        raise RallyError(gettext("This invitation link is not valid."))
    if invitation.status == Invitation.Status.JOINED:
        raise RallyError(gettext("This invitation has been used already. Ask the chapter's lead for a new one."))
    if invitation.expires_at <= now:
        raise RallyError(gettext("This invitation has expired. Ask the chapter's lead for a new one."))
    return invitation
