"""What an operator sees while a call day runs: request ids, JSON logs, /metrics, /readyz, Sentry."""

import json
import logging
import logging.config
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path
from prometheus_client.parser import text_string_to_metric_families

from advocacy import monitoring
from advocacy import urls as site_urls
from advocacy.request_ids import HEADER
from tallies.models import CallLog, Outcome
from tests.factories.tallies import CallLogFactory

pytestmark = pytest.mark.django_db

logger = logging.getLogger("tests.observability")


def _logs_something(request):
    logger.warning("a call day is under way")
    return HttpResponse("ok")


def _fails(request):
    request.user  # noqa: B018 - a signed-in user, so Sentry has someone to leave out
    raise RuntimeError("a bug in a view")


urlpatterns = [path("logs/", _logs_something), path("fails/", _fails), *site_urls.urlpatterns]


def _samples(text: str) -> dict[tuple, float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def _metric(client, name: str, **labels) -> float:
    response = client.get("/metrics")
    assert response.status_code == 200
    return _samples(response.content.decode()).get((name, tuple(sorted(labels.items()))), 0.0)


# ---- request ids --------------------------------------------------------------------------


def test_every_answer_carries_a_request_id_and_api_errors_name_it(client, volunteer, token_client, demo_call):
    page = client.get("/campaigns/")
    assert re.fullmatch(r"[0-9a-f]{32}", page[HEADER])

    missing = client.get("/api/v1/no-such-thing/")
    assert missing.status_code == 404
    assert missing.json()["error"]["request_id"] == missing[HEADER]

    # The token fast path answers before the rest of the stack: its errors are named too.
    api = token_client(volunteer)
    refused = api.post("/api/v1/calls/", {"campaign": "no-such-campaign", "action": 1, "office": 1}, format="json")
    assert refused.status_code in (400, 404)
    assert refused.json()["error"]["request_id"] == refused[HEADER]
    assert int(refused["Content-Length"]) == len(refused.content)


def test_a_request_id_is_taken_only_from_a_trusted_proxy(client, settings):
    offered = {"HTTP_X_REQUEST_ID": "lb-4f2a-0001"}
    assert client.get("/healthz", **offered)[HEADER] != "lb-4f2a-0001"
    settings.REQUEST_ID_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client.get("/healthz", **offered)[HEADER] == "lb-4f2a-0001"
    # Not a plain token: a new id rather than whatever a client wrote into our logs.
    assert client.get("/healthz", HTTP_X_REQUEST_ID="x\nforged log line")[HEADER] != "x\nforged log line"


@override_settings(ROOT_URLCONF=__name__)
def test_json_logs_one_object_per_line_with_the_request_id(client, settings):
    from advocacy.settings import base

    stream = StringIO()
    config = json.loads(json.dumps(base.LOGGING))
    config["handlers"]["console"]["formatter"] = "json"
    config["handlers"]["console"]["stream"] = stream
    logging.config.dictConfig(config)
    try:
        response = client.get("/logs/")
    finally:
        logging.config.dictConfig(settings.LOGGING)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    mine = [line for line in lines if line["logger"] == "tests.observability"]
    assert mine == [
        {
            "time": mine[0]["time"],
            "level": "WARNING",
            "logger": "tests.observability",
            "request_id": response[HEADER],
            "message": "a call day is under way",
        }
    ]


# ---- /metrics ------------------------------------------------------------------------------


def test_metrics_are_served_to_loopback_or_the_bearer_token_only(client, settings):
    assert client.get("/metrics").status_code == 200
    away = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", **away).status_code == 404
    settings.METRICS_BEARER_TOKEN = "s3cret-scrape"
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape", **away).status_code == 200
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer guess", **away).status_code == 404


def test_calls_logged_and_refused_are_counted_on_every_path(client, volunteer, token_client, demo_call, settings):
    campaign, action, office = demo_call
    body = {"campaign": campaign.slug, "action": action.pk, "office": office.pk, "outcome": "voicemail"}
    logged = ("advocacy_calls_logged_total", "api", "voicemail")
    before = _metric(client, logged[0], source=logged[1], outcome=logged[2])
    latency_before = _metric(client, "advocacy_request_seconds_count", endpoint="calls")
    refused_before = _metric(client, "advocacy_calls_refused_total", reason="per_office_limit")

    api = token_client(volunteer)
    for n in range(settings.CALLS_PER_OFFICE_PER_DAY + 1):
        api.post("/api/v1/calls/", body, format="json", HTTP_IDEMPOTENCY_KEY=f"k{n}")
    assert CallLog.objects.filter(user=volunteer).count() == settings.CALLS_PER_OFFICE_PER_DAY

    assert _metric(client, logged[0], source=logged[1], outcome=logged[2]) == before + settings.CALLS_PER_OFFICE_PER_DAY
    assert _metric(client, "advocacy_calls_refused_total", reason="per_office_limit") == refused_before + 1
    assert _metric(client, "advocacy_request_seconds_count", endpoint="calls") == latency_before + 4

    # A batch item refused by the constituent rule (another state's office) is counted by its reason.
    constituent_before = _metric(client, "advocacy_calls_refused_total", reason="constituent_rule")
    volunteer.zip_code, volunteer.state = "66044", "KS"
    volunteer.save(update_fields=["zip_code", "state"])
    answer = api.post(
        "/api/v1/calls/batch/",
        {"calls": [{**body, "idempotency_key": "b1", "outcome": "reached"}]},
        format="json",
    )
    assert answer.json()["errors"] == 1
    assert _metric(client, "advocacy_calls_refused_total", reason="constituent_rule") == constituent_before + 1


def test_read_at_scrape_rollup_lag_and_queue_length(client, demo_call, volunteer):
    campaign, action, office = demo_call
    CallLogFactory(user=volunteer, campaign=campaign, action=action, office=office, outcome=Outcome.BUSY)
    text = client.get("/metrics").content.decode()
    samples = _samples(text)
    assert samples[("advocacy_rollup_lag_seconds", ())] >= 0
    assert "advocacy_celery_queue_length" in text


# ---- /readyz -------------------------------------------------------------------------------


def test_readyz_is_ready_with_the_figures_behind_it(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "ready"
    assert report["database"]["ok"] is True
    assert report["migrations"] == {"ok": True}
    assert "redis" in report
    assert set(report["rollup"]) == {"last_run_age_seconds", "lag_seconds"}
    assert "officials_refresh_age_seconds" in report


@pytest.mark.redis
def test_readyz_names_the_fail_soft_mode_when_redis_is_down_and_stays_ready(client, redis_down, settings):
    report = client.get("/readyz").json()
    assert report["status"] == "ready"
    assert report["redis"] == {"ok": False, "mode": "fail-soft"}


def test_readyz_is_503_when_the_database_cannot_be_reached(client, monkeypatch):
    def unreachable(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "error": "OperationalError"}


def test_readyz_is_503_while_a_migration_is_not_applied(client, monkeypatch):
    monkeypatch.setattr(monitoring, "_migrated", False)
    monkeypatch.setattr(
        "django.db.migrations.executor.MigrationExecutor.migration_plan", lambda self, targets: [("a", False)]
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["migrations"] == {"ok": False}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the call function is PostgreSQL's")
def test_readyz_is_503_while_the_call_function_of_this_code_is_missing(client, monkeypatch):
    # As after a deploy whose `migrate` has not run yet: the code would log calls with a function
    # the database does not have.
    monkeypatch.setattr(monitoring, "_migrated", False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid::regprocedure::text FROM pg_proc WHERE proname LIKE 'tallies_call_insert_%%'")
        (function,) = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"DROP FUNCTION {function}")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["migrations"] == {"ok": False}


# ---- Sentry --------------------------------------------------------------------------------


class _SentrySink(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 - the http.server API
        import gzip

        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        _SentrySink.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@override_settings(ROOT_URLCONF=__name__)
def test_errors_go_to_sentry_with_the_request_id_and_no_personal_data(client, volunteer):
    import sentry_sdk

    from advocacy.sentry import sentry_init

    server = ThreadingHTTPServer(("127.0.0.1", 0), _SentrySink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _SentrySink.received = []
    sentry_init(dsn=f"http://publickey@127.0.0.1:{server.server_port}/1", environment="test")
    try:
        client.raise_request_exception = False
        client.force_login(volunteer)
        response = client.get("/fails/?zip=65101", HTTP_X_SECRET_NOTE="my note")
        assert response.status_code == 500
        sentry_sdk.flush(timeout=5)
    finally:
        sentry_sdk.init(dsn=None)
        server.shutdown()
    sent = b"\n".join(_SentrySink.received).decode()
    events = [json.loads(line) for line in sent.splitlines() if line.startswith("{") and '"exception"' in line]
    assert len(events) == 1
    event = events[0]
    assert event["tags"]["request_id"] == response[HEADER]
    assert "a bug in a view" in sent
    for personal in (volunteer.email, "65101", "my note", "sessionid"):
        assert personal not in sent
    assert event.get("user", {}) in ({}, {"id": str(volunteer.pk)}, {"id": volunteer.pk})


@pytest.fixture
def demo_call(db, volunteer):
    from campaigns.services import campaign_demo_create
    from tests.factories.officials import missouri_officials

    offices = missouri_officials()
    campaign = campaign_demo_create(chapter=None)
    volunteer.zip_code, volunteer.state = "65101", "MO"
    volunteer.save(update_fields=["zip_code", "state"])
    return campaign, campaign.actions.get(kind="call"), offices["attorney_general"]


def test_metrics_enabled_false_records_nothing_and_still_serves_the_page():
    """The switch the fast path's cost figure is measured with: every metric a stand-in, in a fresh process."""
    import subprocess
    import sys

    script = (
        "from advocacy import metrics\n"
        "metrics.call_logged(source='api', outcome='talked')\n"
        "metrics.REQUEST_SECONDS.labels('calls').observe(0.01)\n"
        "from prometheus_client import generate_latest\n"
        "print(metrics.ENABLED, b'advocacy_calls_logged' in generate_latest())\n"
    )
    for value, expected in (("false", "False False"), ("true", "True True")):
        done = subprocess.run(
            [sys.executable, "-c", script],
            env={"PATH": "/usr/bin:/bin", "METRICS_ENABLED": value},
            capture_output=True,
            text=True,
            check=True,
            cwd=str(Path(__file__).resolve().parent.parent),
        )
        assert done.stdout.strip() == expected, done.stderr
