"""Sending invitations (in the invitee's languages, over one SMTP connection) and telling staff a chapter hit its limit."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection, send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.emails import email_key
from accounts.models import User
from reminders.services import Mailer, TransientSendError, is_permanent, smtp_error

from .. import selectors
from ..models import DoNotInvite, Invitation, InvitationLimitAlert
from ..tokens import invitation_stop_token_make, invitation_token_make
from .invitations import INVITATION_VALID_FOR, do_not_invite_add

logger = logging.getLogger(__name__)


def invitation_limit_alert_send(*, alert_id: int) -> int:
    """Tell every active staff member that a chapter reached its invitation limit (once per 24 hours)."""
    alert = InvitationLimitAlert.objects.select_related("chapter").filter(pk=alert_id).first()
    if alert is None:
        return 0
    recipients = list(
        User.objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )
    if not recipients:
        return 0
    chapter = alert.chapter
    mailer = Mailer.create()
    admin_url = mailer.url(reverse("admin:accounts_chapter_change", args=[chapter.pk]))
    body = (
        f"The chapter {chapter.name} ({chapter.slug}) reached its limit of {chapter.invitations_per_day} "
        f"invitations in 24 hours at {alert.sent_at:%Y-%m-%d %H:%M} UTC. Its leads cannot send more until "
        f"earlier invitations leave the 24-hour window.\n\n"
        f'If the chapter really needs more, raise its limit ("Invitations per 24 hours") in the admin:\n'
        f"{admin_url}\n\nIf not, check who sent them: Admin → Invitations, filtered by this chapter.\n"
    )
    subject = f"[{mailer.site_name}] {chapter.name} reached its invitation limit"
    return send_mail(subject, body, None, recipients)


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
    """Send the invitations not sent yet over one SMTP connection.

    A 5xx refusal marks one bounced and puts its mailbox on the do-not-invite list; a mailbox on
    that list by now (it bounced elsewhere, or its owner said stop) is not sent to.
    """
    mailer = Mailer.create()
    invitations = list(
        Invitation.objects.filter(pk__in=invitation_ids, sent_at__isnull=True, status=Invitation.Status.PENDING)
        .select_related("chapter", "invited_by")
        .order_by("id")
    )
    suppressed = selectors.do_not_invite_keys(keys=[i.email_key or email_key(i.email) for i in invitations])
    for invitation in invitations:
        if (invitation.email_key or email_key(invitation.email)) in suppressed:
            Invitation.objects.filter(pk=invitation.pk).update(
                status=Invitation.Status.REVOKED,
                revoked_at=timezone.now(),
                error="Not sent: on the do-not-invite list.",
            )
    invitations = [i for i in invitations if (i.email_key or email_key(i.email)) not in suppressed]
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
            stop_url = mailer.url(
                reverse("rally:invitation_stop", args=[invitation_stop_token_make(email=invitation.email)])
            )
            context = {
                "invitation": invitation,
                "chapter": invitation.chapter,
                "inviter": invitation.invited_by.display_name if invitation.invited_by else invitation.chapter.name,
                "url": url,
                "stop_url": stop_url,
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
                headers={
                    # RFC 8058: the mail client's "Unsubscribe" button means "never invite me again".
                    "List-Unsubscribe": f"<{stop_url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
            try:
                connection.send_messages([email])
            except (smtplib.SMTPException, OSError) as exc:
                if is_permanent(exc):
                    Invitation.objects.filter(pk=invitation.pk).update(
                        status=Invitation.Status.BOUNCED, error=smtp_error(exc)[:2000]
                    )
                    do_not_invite_add(
                        email=invitation.email, reason=DoNotInvite.Reason.BOUNCED, detail=smtp_error(exc)[:2000]
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
