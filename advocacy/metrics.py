"""The platform's Prometheus metrics: what an operator watches on a call day.

Counters and histograms live here, written by the code that knows the event (a call logged or
refused, an email sent, a Redis fallback, a database-outage 503); the figures that are read at
scrape time (rollup lag, Celery queue length) are collected by advocacy/monitoring.py, which
serves /metrics. docs/operations.md says what to alert on.

Several processes serve the site (Granian's workers) and run tasks (Celery): with
PROMETHEUS_MULTIPROC_DIR set (`python -m advocacy.webserver` sets it when it is not), every
process writes its figures to files there and /metrics adds them up. Without it (runserver,
tests) each process counts alone.

This module imports no app: the fail-soft cache (advocacy/cache.py) counts its fallbacks here.

METRICS_ENABLED=false (read from the environment when the module is imported) swaps every metric
for a stand-in that records nothing: for a deployment that never scrapes /metrics, and for
measuring what counting costs the call endpoint (bench/README.md has the figures).
"""

import os

from prometheus_client import Counter as _Counter
from prometheus_client import Histogram as _Histogram


class _Unrecorded:
    """A metric that keeps nothing: every method of the prometheus-client ones it is used through."""

    def __init__(self, *args, **kwargs):
        pass

    def labels(self, *values):
        return self

    def inc(self, amount=1):
        pass

    def observe(self, value):
        pass


ENABLED = os.environ.get("METRICS_ENABLED", "true").strip().lower() not in ("false", "0", "no", "off")
Counter = _Counter if ENABLED else _Unrecorded
Histogram = _Histogram if ENABLED else _Unrecorded

PREFIX = "advocacy"

CALLS_LOGGED = Counter(
    f"{PREFIX}_calls_logged", "Calls logged (one row each), by source and outcome.", ["source", "outcome"]
)
CALLS_REFUSED = Counter(
    f"{PREFIX}_calls_refused",
    "Calls refused and not stored, by reason: constituent_rule, per_office_limit, rate, "
    "idempotency_conflict, invalid (anything else: an unknown target, a closed campaign, bad input).",
    ["reason"],
)
REQUEST_SECONDS = Histogram(
    f"{PREFIX}_request_seconds",
    "Time to answer a request, by endpoint group (calls, calls_batch, dashboard, widget, api, page).",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0),
)
EMAILS_SENT = Counter(f"{PREFIX}_emails_sent", "Emails handed to the SMTP server, by kind.", ["kind"])
EMAILS_FAILED = Counter(f"{PREFIX}_emails_failed", "Emails the SMTP server refused for good, by kind.", ["kind"])
REDIS_FALLBACKS = Counter(
    f"{PREFIX}_redis_fallbacks",
    "Cache operations done without Redis (fail-soft), by kind: failure (Redis failed; this process "
    "leaves it alone for a few seconds) or skipped (done without Redis during that pause).",
    ["kind"],
)
DATABASE_UNAVAILABLE = Counter(
    f"{PREFIX}_database_unavailable_responses",
    "503 answers because PostgreSQL could not be reached, by layer (api, page).",
    ["layer"],
)

REFUSAL_REASONS = frozenset({"constituent_rule", "per_office_limit", "rate", "idempotency_conflict", "invalid"})


def call_logged(*, source: str, outcome: str, n: int = 1) -> None:
    CALLS_LOGGED.labels(source, outcome).inc(n)


def call_refused(reason: str, n: int = 1) -> None:
    CALLS_REFUSED.labels(reason if reason in REFUSAL_REASONS else "invalid").inc(n)


def emails_sent(*, kind: str, sent: int, failed: int = 0) -> None:
    if sent:
        EMAILS_SENT.labels(kind).inc(sent)
    if failed:
        EMAILS_FAILED.labels(kind).inc(failed)


def redis_fallback(kind: str) -> None:
    REDIS_FALLBACKS.labels(kind).inc()


def database_unavailable(layer: str) -> None:
    DATABASE_UNAVAILABLE.labels(layer).inc()


def endpoint_of(method: str, path: str) -> str:
    """The request's endpoint group: a handful of labels, never the raw path."""
    if path.startswith("/api/"):
        if path == "/api/v1/calls/" and method == "POST":
            return "calls"
        if path == "/api/v1/calls/batch/":
            return "calls_batch"
        if path.endswith("/tally/"):
            return "dashboard"
        return "api"
    if path.endswith("/dashboard/"):
        return "dashboard"
    if path.endswith("/widget/"):
        return "widget"
    return "page"
