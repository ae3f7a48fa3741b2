"""Signed, expiring chapter join links.

The token is the chapter's id and join-link version signed with a TimestampSigner, so a link
needs no database row, expires on its own after settings.CHAPTER_JOIN_LINK_MAX_AGE, and cannot
be forged or pointed at another chapter. A lead rotating the link bumps the version, which
voids every link given out before at once. The salt keeps a join token from being valid
anywhere else the secret key signs things.
"""

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from .models import Chapter

JOIN_LINK_SALT = "accounts.chapter-join"


class JoinLinkError(Exception):
    message = _("This join link is not valid. Ask your chapter lead for a new one.")


class JoinLinkExpired(JoinLinkError):
    message = _("This join link has expired. Ask your chapter lead for a new one.")


class JoinLinkInvalid(JoinLinkError):
    pass


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=JOIN_LINK_SALT)


def chapter_join_token_make(*, chapter: Chapter) -> str:
    return _signer().sign(f"{chapter.pk}.{chapter.join_link_version}")


def chapter_for_join_token(*, token: str) -> Chapter:
    """The chapter a join token points at. Raises JoinLinkExpired or JoinLinkInvalid."""
    try:
        chapter_id = _signer().unsign(token, max_age=settings.CHAPTER_JOIN_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise JoinLinkExpired from exc
    except signing.BadSignature as exc:
        raise JoinLinkInvalid from exc
    chapter_id, _, version = chapter_id.partition(".")
    chapter = None
    if chapter_id.isdigit() and version.isdigit():
        chapter = Chapter.objects.filter(pk=chapter_id, join_link_version=int(version)).first()
    if chapter is None:
        # Signed by us, but the chapter is gone or its lead made a new link since.
        raise JoinLinkInvalid
    return chapter
