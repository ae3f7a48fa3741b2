"""What every rally write shares: the error a lead can fix, and the campaign check."""

from accounts.models import Chapter


class RallyError(Exception):
    """A request the lead can fix (shown as a message, never a 500)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_campaign(*, chapter: Chapter, campaign) -> None:
    if campaign.chapter_id not in (None, chapter.pk):
        raise RallyError("That campaign belongs to another chapter.")
