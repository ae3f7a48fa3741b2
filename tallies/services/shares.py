"""Share links to one office report: created by a chapter's lead (or staff), opened by anyone with the link.

The URL carries the share's random key, signed: a guessed or altered token fails the
signature before any lookup; an expired or revoked share answers exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core import signing
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.errors import NotFound, Unprocessable

from ..models import OfficeReportShare

SHARE_SALT = "tallies.office-report-share"
DEFAULT_SHARE_DAYS = 30
MAX_SHARE_DAYS = 365


def office_report_share_token(share: OfficeReportShare) -> str:
    return signing.Signer(salt=SHARE_SALT).sign(share.key)


def office_report_share_create(
    *, user, chapter, campaign, office, start: dt.date, end: dt.date, language: str = "en", days: int | None = None
) -> OfficeReportShare:
    """A share of the report of office and campaign over start..end, for chapter (None: every chapter).

    The caller has checked that the user leads the chapter (or is staff) and may see the campaign.
    """
    days = DEFAULT_SHARE_DAYS if days is None else days
    if not 1 <= days <= MAX_SHARE_DAYS:
        words = {"days": MAX_SHARE_DAYS}
        raise Unprocessable(
            _("A link lasts 1 to %(days)s days.") % words, fields={"days": [_("Use 1 to %(days)s.") % words]}
        )
    now = timezone.now()
    return OfficeReportShare.objects.create(
        key=secrets.token_urlsafe(24)[:32],
        chapter=chapter,
        campaign=campaign,
        office=office,
        start=start,
        end=end,
        language=language if language in ("en", "es") else "en",
        created_by=user,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )


def office_report_share_revoke(*, share_id: int, user) -> OfficeReportShare:
    """Revoke a share the user may manage (its chapter's lead, its creator, staff); NotFound otherwise."""
    from accounts.selectors import chapter_is_led_by

    share = OfficeReportShare.objects.select_related("chapter").filter(pk=share_id).first()
    allowed = share is not None and (
        user.is_staff
        or share.created_by_id == user.pk
        or (share.chapter is not None and chapter_is_led_by(chapter=share.chapter, user=user))
    )
    if not allowed:
        raise NotFound()
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
    return share


def office_report_share_open(*, token: str) -> OfficeReportShare | None:
    """The live share behind a token, with this view counted; None for a bad, expired or revoked one."""
    try:
        key = signing.Signer(salt=SHARE_SALT).unsign(token or "")
    except signing.BadSignature:
        return None
    now = timezone.now()
    live = OfficeReportShare.objects.filter(key=key, revoked_at__isnull=True, expires_at__gt=now)
    if not live.update(view_count=F("view_count") + 1, last_viewed_at=now):
        return None
    return live.select_related("chapter", "campaign", "office", "office__division").first()
