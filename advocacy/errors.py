"""Domain errors: plain exceptions that services and selectors raise when a rule refuses.

They know nothing of HTTP. The web layer maps them to a status in one place each:
`advocacy/api/exceptions.py` (the API's error body) and `advocacy/middleware.py`
(`DomainErrorMiddleware`, the pages). `code` is stable and machine-readable; the message is
for people.
"""

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    code = "invalid"
    default_message = _("The request could not be processed.")

    def __init__(self, message: str | None = None, *, fields: dict | None = None):
        self.message = message or self.default_message
        self.fields = fields or {}
        super().__init__(self.message)


class NotFound(ApplicationError):
    """The thing does not exist, or the user may not know that it does: the same answer for both."""

    code = "not_found"
    default_message = _("Not found.")


class Conflict(ApplicationError):
    code = "conflict"
    default_message = _("The request conflicts with the current state.")


class Unprocessable(ApplicationError):
    code = "unprocessable"
    default_message = _("The request is well formed but cannot be processed.")


class LimitReached(ApplicationError):
    """A per-user limit of the domain (not the API's rate throttle) refused this one."""

    code = "limit_reached"
    default_message = _("You have reached a limit; try again later.")


def error_body(code: str, message, fields: dict | None = None) -> dict:
    """The API's one error body, `{"error": {"code", "message", "fields"?}}`: built here for every answer.

    The API's exception handler, the pages' middleware for API paths, the 404/400/500/503 views and
    each failed batch item use it; `fields` (field name -> messages) comes with validation errors only.
    """
    error = {"code": code, "message": str(message)}
    if fields is not None:
        error["fields"] = fields
    return {"error": error}
