"""The campaigns' domain errors (plain: advocacy/errors.py says how they become HTTP)."""

from django.utils.translation import gettext_lazy as _

from advocacy.errors import NotFound


class CampaignNotFound(NotFound):
    """A campaign the user may not see answers like a missing one, so slugs cannot be probed."""

    default_message = _("No such campaign.")

    def __init__(self, message: str | None = None):
        super().__init__(message, fields={"campaign": [message or self.default_message]})
