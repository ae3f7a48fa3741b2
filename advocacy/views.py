import hashlib
import json
import logging
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import defaults as default_views
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from . import metrics
from .db import UNREACHABLE_MESSAGE, UNREACHABLE_RETRY_AFTER_SECONDS, database_unreachable
from .errors import error_body
from .offline import OFFLINE_CACHE_HEADER

logger = logging.getLogger(__name__)


def home(request):
    from campaigns.selectors import campaign_list_for_home

    return render(request, "home.html", {"campaigns": campaign_list_for_home(user=request.user)})


@never_cache
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# The app's colours, as in static/css/app.css (--brand and --bg).
THEME_COLOR = "#0b5cad"
BACKGROUND_COLOR = "#ffffff"
# What the service worker stores when it installs, so a page kept for offline reading has its
# styles, scripts and icons even if it was first opened before the worker took over.
OFFLINE_PRECACHE = (
    "css/app.css",
    "css/campaigns.css",
    "css/officials.css",
    "js/site.js",
    "js/campaigns.js",
    "js/offline.js",
    "django_htmx/htmx-2.min.js",
    "icons/icon-192.png",
    "icons/favicon-32.png",
)


@require_GET
@cache_control(max_age=3600)
def web_manifest(request):
    """The web app manifest: "Add to Home Screen" installs the site as an app that opens on the campaigns."""
    icons = [
        {"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
        for size in (192, 512)
    ] + [
        {
            "src": static(f"icons/icon-maskable-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "maskable",
        }
        for size in (192, 512)
    ]
    manifest = {
        "id": "/",
        "name": settings.SITE_NAME,
        "short_name": pgettext("the app's name under its icon", "Call"),
        "description": _("Call your officials with the script in front of you, and log how it went."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("campaigns:list"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": icons,
    }
    return HttpResponse(json.dumps(manifest, ensure_ascii=False), content_type="application/manifest+json")


@require_GET
@never_cache
def service_worker(request):
    """The service worker, from the site root so that its scope is the whole site.

    Its version is a hash of its own text and of the static files' (hashed, in production) URLs,
    so every deploy that changes either installs a new worker and drops the old caches.
    """
    # JSON literals for the script: the template is rendered with autoescaping off.
    context = {
        "precache": json.dumps([static(path) for path in OFFLINE_PRECACHE]),
        "offline_url": json.dumps(reverse("offline")),
        "static_prefix": json.dumps(settings.STATIC_URL),
        "cache_header": json.dumps(OFFLINE_CACHE_HEADER.lower()),
        "version": "",
    }
    body = render_to_string("offline/sw.js", context)
    context["version"] = json.dumps(hashlib.sha256(body.encode()).hexdigest()[:12])
    response = HttpResponse(render_to_string("offline/sw.js", context), content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request):
    """What the service worker shows for a page that was never kept on this phone."""
    return render(request, "offline/offline.html")


@never_cache
def readyz(request):
    """Whether this web process should get traffic (503 when not), and the figures behind it, as JSON."""
    from .monitoring import readiness

    ready, report = readiness()
    return JsonResponse({"status": "ready" if ready else "not ready", **report}, status=200 if ready else 503)


@never_cache
def prometheus_metrics(request):
    """Prometheus's scrape, for the addresses or the bearer token in settings; a 404 for anyone else."""
    from django.http import Http404

    from .monitoring import CONTENT_TYPE, metrics_allowed, metrics_text

    if not metrics_allowed(request):
        raise Http404
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE)


def page_not_found(request, exception=None):
    """API clients get the API's JSON error shape for unknown URLs; people get the HTML page."""
    if request.path.startswith("/api/"):
        return _api_error("not_found", _("No API endpoint at this URL."), 404)
    return default_views.page_not_found(request, exception)


@csrf_exempt  # a POST to an unknown API URL is a 404, not the CSRF failure page (HTML)
def api_not_found(request):
    return page_not_found(request)


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
        metrics.database_unavailable("api" if request.path.startswith(_API_PREFIX) else "page")
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
