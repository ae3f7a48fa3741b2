"""What every rally write shares: the error a lead can fix, and the campaign check."""

from django.utils.translation import gettext

from accounts.models import Chapter
from advocacy.errors import ApplicationError


class RallyError(ApplicationError):
    """A request the lead can fix (shown as a message, never a 500): a 400 wherever it is not caught."""

    def __init__(self, message: str):
        super().__init__(message)


def check_campaign(*, chapter: Chapter, campaign) -> None:
    if campaign.chapter_id not in (None, chapter.pk):
        raise RallyError(gettext("That campaign belongs to another chapter."))
