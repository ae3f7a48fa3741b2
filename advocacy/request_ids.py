"""Request ids: one id per request, in its response, its error body, its log lines and the tasks it starts.

The id is taken from the `X-Request-ID` header only when the request comes from an address in
REQUEST_ID_TRUSTED_PROXIES (the load balancer that made it, so one id follows the request
through both logs); otherwise, or when the header is not a plain token, a new one is made. A
client cannot plant ids in our logs.

The id lives in a context variable for the request (and for a Celery task, which receives it in
its message headers), so log records (RequestIdLogFilter), API error bodies
(advocacy/api/exceptions.py) and Sentry events read it without being handed the request.
"""

import json
import re
import time
import uuid
from contextvars import ContextVar

from django.conf import settings

from . import metrics

HEADER = "X-Request-ID"
_META_KEY = "HTTP_X_REQUEST_ID"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,128}\Z")
_current: ContextVar[str] = ContextVar("request_id", default="")


def current_request_id() -> str:
    """The id of the request (or task) being served, or "" outside one."""
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def _from_request(request) -> str:
    offered = request.META.get(_META_KEY, "")
    if offered and request.META.get("REMOTE_ADDR") in settings.REQUEST_ID_TRUSTED_PROXIES and _VALID.match(offered):
        return offered
    return new_request_id()


class RequestObservabilityMiddleware:
    """First in the list: gives every request its id and times it for /metrics, fast path included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = _from_request(request)
        request.request_id = request_id
        token = _current.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            metrics.REQUEST_SECONDS.labels(metrics.endpoint_of(request.method, request.path)).observe(
                time.perf_counter() - started
            )
            _current.reset(token)
        response[HEADER] = request_id
        if response.status_code >= 400:
            _add_to_error_body(response, request_id)
        return response


def _add_to_error_body(response, request_id: str) -> None:
    """Every API error body names its request (`error.request_id`), whichever code built it.

    Done here, once, rather than in each place that builds an error (the API's exception
    handler, the fast path, the body-size and two-factor middleware, the 404 and 503 handlers).
    """
    if response.streaming or not response.get("Content-Type", "").startswith("application/json"):
        return
    try:
        body = json.loads(response.content)
    except ValueError:
        return
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and "request_id" not in error:
        error["request_id"] = request_id
        response.content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))


class RequestIdLogFilter:
    """Adds `request_id` to every log record (empty outside a request or task)."""

    def filter(self, record) -> bool:
        record.request_id = _current.get()
        return True


# Celery: the id travels in the task message's headers and is the task's own while it runs.


def _publish_with_request_id(headers=None, **kwargs):
    request_id = _current.get()
    if request_id and headers is not None and "request_id" not in headers:
        headers["request_id"] = request_id


def _task_starts(task=None, **kwargs):
    if task is None:
        return
    request_id = getattr(task.request, "request_id", None) or (task.request.headers or {}).get("request_id")
    # A task run in-process (eager) has no header: it keeps the id of the request running it.
    if request_id:
        task.request._request_id_token = _current.set(request_id)


def _task_ends(task=None, **kwargs):
    token = getattr(task.request, "_request_id_token", None) if task is not None else None
    if token is not None:
        _current.reset(token)


def connect_celery_signals() -> None:
    from celery import signals

    signals.before_task_publish.connect(_publish_with_request_id, weak=False)
    signals.task_prerun.connect(_task_starts, weak=False)
    signals.task_postrun.connect(_task_ends, weak=False)
