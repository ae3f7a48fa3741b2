"""What /metrics and /readyz report: the counters of every process, and figures read when asked.

/metrics (Prometheus text format) is served only to METRICS_ALLOWED_IPS or to a request with
`Authorization: Bearer <METRICS_BEARER_TOKEN>`; anyone else gets a 404, as for a page that does
not exist. /readyz says whether this web process should get traffic: PostgreSQL reachable and
migrated, with the function that logs a call defined by this code's `migrate` (503 otherwise); Redis reachable, or the fail-soft mode named (the platform keeps
logging calls without it); the age of the last rollup and of the last officials refresh.
"""

import hmac
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY

from officials.selectors import officials_last_refreshed
from tallies.selectors import rollup_health
from tallies.services import call_insert_function_installed

from .cache import cache_available

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def metrics_allowed(request) -> bool:
    if request.META.get("REMOTE_ADDR") in settings.METRICS_ALLOWED_IPS:
        return True
    token = settings.METRICS_BEARER_TOKEN
    offered = request.META.get("HTTP_AUTHORIZATION", "")
    return bool(token) and hmac.compare_digest(offered.encode(), f"Bearer {token}".encode())


def celery_queue_lengths() -> dict[str, int]:
    """Messages waiting in each Celery queue (the Redis broker's lists, or the filesystem transport's files)."""
    from advocacy.celery import app

    queue = app.conf.task_default_queue
    broker = settings.CELERY_BROKER_URL
    if broker.startswith("redis"):
        import redis

        client = redis.Redis.from_url(broker, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            return {queue: int(client.llen(queue))}
        except redis.RedisError:
            return {}
        finally:
            client.close()
    folder = (getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}).get("data_folder_in")
    if folder and Path(folder).is_dir():
        return {queue: sum(1 for _ in Path(folder).iterdir())}
    return {}


class ReadAtScrape:
    """Figures read from the database and the broker when Prometheus asks, not counted by a process."""

    def describe(self):
        return []  # nothing to read at registration (no database yet)

    def collect(self):
        health = rollup_health()
        lag = GaugeMetricFamily(
            "advocacy_rollup_lag_seconds",
            "Age of the oldest logged call not rolled up yet (0 when none waits). Dashboards are exact "
            "whatever it is; a growing lag means the rollup job is not keeping up or not running.",
        )
        lag.add_metric([], health.lag_seconds)
        yield lag
        if health.last_run is not None:
            age = GaugeMetricFamily("advocacy_rollup_age_seconds", "Seconds since the rollup mark last moved.")
            age.add_metric([], (timezone.now() - health.last_run).total_seconds())
            yield age
        queues = GaugeMetricFamily(
            "advocacy_celery_queue_length", "Celery messages waiting to be picked up, by queue.", labels=["queue"]
        )
        for name, length in celery_queue_lengths().items():
            queues.add_metric([name], length)
        yield queues
        refreshed = officials_last_refreshed()
        if refreshed is not None:
            refresh = GaugeMetricFamily(
                "advocacy_officials_refresh_age_seconds", "Seconds since the last successful officials refresh."
            )
            refresh.add_metric([], (timezone.now() - refreshed).total_seconds())
            yield refresh


_read_at_scrape = CollectorRegistry()
_read_at_scrape.register(ReadAtScrape())


def metrics_text() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry) + generate_latest(_read_at_scrape)


_migrated = False


def _migrations_applied(connection) -> bool:
    """No unapplied migration, and the call function `migrate` defines from this code is there.

    Once true for a process, not checked again (loading the graph costs ~0.1 s).
    """
    global _migrated  # noqa: PLW0603 - a process-wide memo of a fact that cannot become false while it runs
    if not _migrated:
        executor = MigrationExecutor(connection)
        _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes()) and call_insert_function_installed(
            using=connection.alias
        )
    return _migrated


def readiness() -> tuple[bool, dict]:
    """(ready, report): whether this process should get traffic, and why."""
    report: dict = {}
    ready = True
    connection = connections[DEFAULT_DB_ALIAS]
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
        migrated = _migrations_applied(connection)
        report["migrations"] = {"ok": migrated}
        ready = migrated
    except Exception as exc:  # noqa: BLE001 - any failure to reach the database means "not ready"
        report["database"] = {"ok": False, "error": exc.__class__.__name__}
        return False, report

    if settings.REDIS_URL:
        cache.get("advocacy:readyz")  # a failure starts the fail-soft pause, which cache_available() reports
        report["redis"] = {"ok": True} if cache_available() else {"ok": False, "mode": "fail-soft"}
    else:
        report["redis"] = {"ok": True, "mode": "not configured"}
    health = rollup_health()
    now = timezone.now()
    report["rollup"] = {
        "last_run_age_seconds": round((now - health.last_run).total_seconds(), 1) if health.last_run else None,
        "lag_seconds": round(health.lag_seconds, 1),
    }
    refreshed = officials_last_refreshed()
    report["officials_refresh_age_seconds"] = round((now - refreshed).total_seconds()) if refreshed else None
    return ready, report
