"""Error reports to Sentry (SENTRY_DSN), tagged with the request id and stripped of personal data.

`data_collection` keeps out users' identities, bodies and frame variables; before_send also drops the
request's body, its query string and headers other than a few harmless ones (a call's note, a ZIP
or an API token must never leave the platform), and the user context, keeping the user's id.
"""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from .request_ids import current_request_id

_HEADERS_KEPT = frozenset({"content-type", "content-length", "user-agent", "accept-language", "x-request-id"})


def _scrub(event, hint):
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    request = event.get("request")
    if request:
        request.pop("data", None)
        request.pop("cookies", None)
        request.pop("query_string", None)
        request.pop("env", None)
        headers = request.get("headers") or {}
        request["headers"] = {k: v for k, v in headers.items() if k.lower() in _HEADERS_KEPT}
    user = event.get("user")
    if user:
        event["user"] = {"id": user["id"]} if "id" in user else {}
    return event


def sentry_init(*, dsn: str, environment: str) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # No user identity, bodies, frame variables or query data; before_send trims the rest.
        data_collection={
            "user_info": False,
            "http_bodies": [],
            "stack_frame_variables": False,
            "database_query_data": False,
        },
        before_send=_scrub,
        traces_sample_rate=0.0,
    )
