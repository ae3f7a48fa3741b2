"""One error shape for the whole API.

Every error body is ``{"error": {"code": ..., "message": ..., "fields": {...}}}``:
``code`` is stable and machine-readable, ``message`` is for people, ``fields`` maps a
field name to its messages for validation errors (omitted otherwise; nested fields are flattened
to dotted names such as ``calls.0.campaign``, so ``fields`` is always a map of lists of strings).
"""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

from advocacy import errors, metrics
from advocacy.db import UNREACHABLE_MESSAGE, UNREACHABLE_RETRY_AFTER_SECONDS, database_unreachable
from advocacy.errors import error_body

logger = logging.getLogger(__name__)


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "service_unavailable"
    default_detail = UNREACHABLE_MESSAGE


# The one map from domain errors to HTTP statuses; the pages use it too (advocacy.middleware).
DOMAIN_ERROR_STATUS = (
    (errors.NotFound, status.HTTP_404_NOT_FOUND),
    (errors.Conflict, status.HTTP_409_CONFLICT),
    (errors.Unprocessable, status.HTTP_422_UNPROCESSABLE_ENTITY),
    (errors.LimitReached, status.HTTP_429_TOO_MANY_REQUESTS),
    (errors.ApplicationError, status.HTTP_400_BAD_REQUEST),
)


def domain_error_status(exc: errors.ApplicationError) -> int:
    return next(code for cls, code in DOMAIN_ERROR_STATUS if isinstance(exc, cls))


class DomainError(exceptions.APIException):
    """A domain error as DRF sees it: its status, its stable code and its message."""

    def __init__(self, exc: errors.ApplicationError):
        self.status_code = domain_error_status(exc)
        super().__init__(detail=exc.message, code=exc.code)
        # DRF's handler turns `wait` into Retry-After (a limit that knows when it lifts).
        self.wait = getattr(exc, "retry_after", None)
        # A rule that refuses one field (an unknown ZIP, a time outside the window) names it.
        self.fields = {name: [str(m) for m in messages] for name, messages in exc.fields.items()} or None


def _django_validation_error_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"non_field_errors": exc.messages}


def _flat_fields(detail, prefix: str = "") -> dict[str, list[str]]:
    """{"calls": {"0": {"campaign": ["..."]}}} -> {"calls.0.campaign": ["..."]}."""
    if isinstance(detail, dict):
        items = detail.items()
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        items = ((str(i), item) for i, item in enumerate(detail) if item)
    else:
        messages = detail if isinstance(detail, list) else [detail]
        return {prefix or "non_field_errors": [str(message) for message in messages]}
    fields: dict[str, list[str]] = {}
    for key, value in items:
        fields.update(_flat_fields(value, f"{prefix}.{key}" if prefix else str(key)))
    return fields


def _first_message(fields: dict[str, list[str]]) -> str:
    for key, messages in fields.items():
        message = messages[0] if messages else str(_("Invalid input."))
        return message if key in ("non_field_errors", "detail") else f"{key}: {message}"
    return str(_("Invalid input."))


def api_exception_handler(exc, context):
    if isinstance(exc, errors.NotFound):
        # Every missing thing answers alike ("Not found."), as Http404 always did: nothing to probe.
        exc = exceptions.NotFound()
    elif isinstance(exc, errors.ApplicationError):
        exc = DomainError(exc)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_validation_error_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif database_unreachable(exc):
        # The database is down or restarting: a retryable 503 rather than a 500.
        logger.error("database unavailable", exc_info=exc)
        metrics.database_unavailable("api")
        exc = ServiceUnavailable()
        exc.wait = UNREACHABLE_RETRY_AFTER_SECONDS

    response = exception_handler(exc, context)
    if response is None:
        return None

    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        if not isinstance(detail, dict):
            detail = {"non_field_errors": detail if isinstance(detail, list) else [detail]}
        fields = _flat_fields(detail)
        response.data = error_body("validation_error", _first_message(fields), fields)
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        code = codes if isinstance(codes, str) else "error"
        message = detail.get("detail", detail) if isinstance(detail, dict) else detail
        response.data = error_body(code, message, getattr(exc, "fields", None))
    return response
