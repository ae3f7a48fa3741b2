import logging
import sys

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults as default_views
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

logger = logging.getLogger(__name__)


def home(request):
    from campaigns.selectors import campaign_list_for_home

    return render(request, "home.html", {"campaigns": campaign_list_for_home(user=request.user)})


@never_cache
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def page_not_found(request, exception=None):
    """API clients get the API's JSON error shape for unknown URLs; people get the HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "not_found", "message": _("No API endpoint at this URL.")}}, status=404)
    return default_views.page_not_found(request, exception)


@csrf_exempt  # a POST to an unknown API URL is a 404, not the CSRF failure page (HTML)
def api_not_found(request):
    return page_not_found(request)


_API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 5
_UNAVAILABLE = "The service is briefly unavailable: its database cannot be reached. Try again in a few seconds."


def _api_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def too_large() -> JsonResponse:
    from .api.parsers import max_body_bytes

    return _api_error(
        "request_too_large", f"The request body is over {max_body_bytes():,} bytes: send less (split a batch).", 413
    )


def bad_request(request, exception=None):
    """Django's own 400s (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a bad host ...): JSON for the API."""
    if request.path.startswith(_API_PREFIX):
        if isinstance(exception, RequestDataTooBig):
            return too_large()
        return _api_error("bad_request", "The request could not be read.", 400)
    return default_views.bad_request(request, exception)


def _database_unreachable(exc) -> bool:
    """The database cannot be reached (stopped, restarting, refusing connections): not a query's own fault."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    # No SQLSTATE: the connection failed or broke. Class 08 (connection exception), 57P (shutdown).
    return sqlstate is None or sqlstate.startswith(("08", "57P"))


def server_error(request):
    """An uncaught exception. One the database being unreachable caused is a 503 the client may retry.

    Django calls this inside its exception handler (for views and middleware alike), so the
    exception is sys.exc_info()'s. Requests recover by themselves: a broken connection is
    dropped at the end of the request and the next one connects afresh.
    """
    exc = sys.exc_info()[1]
    if _database_unreachable(exc):
        logger.warning("database unreachable: %s", exc)
        if request.path.startswith(_API_PREFIX):
            response = _api_error("service_unavailable", _UNAVAILABLE, 503)
        else:
            response = HttpResponse(
                "<!doctype html><html lang='en'><title>Briefly unavailable</title>"
                f"<h1>Briefly unavailable</h1><p>{_UNAVAILABLE}</p></html>",
                status=503,
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if request.path.startswith(_API_PREFIX):
        return _api_error("server_error", "Something went wrong on our side; it has been logged.", 500)
    return default_views.server_error(request)
