import logging
import sys

from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults as default_views
from django.views.decorators.cache import never_cache

from .db import UNREACHABLE_MESSAGE, UNREACHABLE_RETRY_AFTER_SECONDS, database_unreachable
from .errors import error_body

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
        return _api_error("not_found", _("No API endpoint at this URL."), 404)
    return default_views.page_not_found(request, exception)


_API_PREFIX = "/api/"


def _api_error(code: str, message, status: int) -> JsonResponse:
    return JsonResponse(error_body(code, message), status=status)


def too_large() -> JsonResponse:
    from .api.parsers import too_large as too_large_error

    return _api_error("request_too_large", too_large_error().detail, 413)


def bad_request(request, exception=None):
    """Django's own 400s (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a bad host ...): JSON for the API."""
    if request.path.startswith(_API_PREFIX):
        if isinstance(exception, RequestDataTooBig):
            return too_large()
        return _api_error("bad_request", _("The request could not be read."), 400)
    return default_views.bad_request(request, exception)


def server_error(request):
    """An uncaught exception. One the database being unreachable caused is a 503 the client may retry.

    Django calls this inside its exception handler (for views and middleware alike), so the
    exception is sys.exc_info()'s. Requests recover by themselves: a broken connection is
    dropped at the end of the request and the next one connects afresh.
    """
    exc = sys.exc_info()[1]
    if database_unreachable(exc):
        logger.warning("database unreachable: %s", exc)
        if request.path.startswith(_API_PREFIX):
            response = _api_error("service_unavailable", UNREACHABLE_MESSAGE, 503)
        else:
            response = HttpResponse(
                "<!doctype html><html lang='en'><title>Briefly unavailable</title>"
                f"<h1>Briefly unavailable</h1><p>{UNREACHABLE_MESSAGE}</p></html>",
                status=503,
            )
        response["Retry-After"] = str(UNREACHABLE_RETRY_AFTER_SECONDS)
        return response
    if request.path.startswith(_API_PREFIX):
        return _api_error("server_error", _("Something went wrong on our side; it has been logged."), 500)
    return default_views.server_error(request)
