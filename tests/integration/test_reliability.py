"""Reliability: tallies equal COUNT(*) after a Redis restart, two beats and repeated kills.

Each test runs its OWN redis-server on a free loopback port (the shared Redis on 6379 is never
stopped or flushed) and points everything at it: the worker and beat subprocesses through
REDIS_URL, and this process (the app side: the cache, the post-commit nudge, the API) through
settings.CACHES and the Celery app's broker URL.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from http import HTTPStatus
from io import StringIO
from itertools import cycle

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Max, Sum
from django.urls import reverse

from tallies.models import CallLog, CampaignTally, ChapterTally
from tallies.rollups import rollup_mark
from tallies.selectors import tally_campaign_totals
from tallies.services import call_log_create
from tallies.verification import tally_verify
from tests.integration.rollup_pause import MARKER_ENV, PAUSE_ENV

from ._processes import REDIS_SERVER, Processes, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _no_per_office_limit(settings):
    """These tests log many calls from one volunteer to one office; the limit has its own tests."""
    settings.CALLS_PER_OFFICE_PER_DAY = 1_000_000


ROLLUP_TASK = "tallies.rollup_calls"
OUTCOMES = ["reached", "voicemail", "busy", "skipped"]
# A call logged while Redis is down must not wait on it: the cache times out in 0.5 s at worst.
MAX_SECONDS_PER_CALL = 1.0


# ------------------------------------------------------------------------------------------
# Fixtures
# ------------------------------------------------------------------------------------------


@pytest.fixture
def processes(tmp_path):
    """Every subprocess the test starts; all killed (process groups) and their logs printed after."""
    procs = Processes(tmp_path)
    yield procs
    procs.kill_all()
    # Captured output of the teardown is shown only when the test fails.
    print(procs.logs())


def _reset_broker_pools(app) -> None:
    """Forget every broker connection, including kombu's global producer pools keyed by broker URL
    (a closed one left there breaks the next test that sends a message)."""
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    pools.reset()


@pytest.fixture
def own_redis(processes, settings):
    """A private redis-server; this process's cache and Celery broker point at it for the test."""
    from django.core.cache import cache

    from advocacy.celery import app

    if shutil.which(REDIS_SERVER) is None:
        reason = "needs redis-server on PATH (apt-get install redis-server) to run a private Redis"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    redis = processes.redis().start()
    # The real cache settings (backend, 0.5 s timeouts) with only the location changed.
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": redis.url}}
    # Messages go to the broker as in production (and the nudge's per-process debounce is on).
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(app.conf, "task_always_eager", False)
        patch.delenv("CELERY_BROKER_URL", raising=False)
        patch.setitem(app.conf, "broker_url", redis.url)
        _reset_broker_pools(app)
        cache.clear()
        yield redis
    _reset_broker_pools(app)


@pytest.fixture
def celery_env(settings, own_redis):
    """celery_env(settings_module) -> the environment of a worker or beat on the test DB and own Redis."""
    db = settings.DATABASES["default"]
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"

    def make(settings_module="tests.integration._worker_settings") -> dict:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": own_redis.url,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DJANGO_CONN_MAX_AGE": "0",
        }
        for name in ("CELERY_BROKER_URL", "CELERY_BROKER_WRITE_URL", PAUSE_ENV, MARKER_ENV):
            env.pop(name, None)
        return env

    return make


@pytest.fixture
def start_worker(processes, celery_env):
    """start_worker(name, wait=True, **env): a `celery worker` (solo pool) on the test DB and own Redis."""

    def start(name="worker", *, wait=True, **extra_env):
        worker = processes.celery("worker", env=celery_env(), name=name).spawn(**extra_env)
        return worker.wait_ready() if wait else worker

    return start


@pytest.fixture
def start_beat(processes, celery_env, tmp_path):
    """A `celery beat` sending the real rollup entry every second, with its own schedule file."""

    def start(name="beat", *, wait=True):
        schedule = tmp_path / f"{name}-schedule"
        beat = processes.celery(
            "beat",
            env=celery_env("tests.integration._beat_settings"),
            name=name,
            args=["--schedule", str(schedule), "--max-interval", "1"],
        ).spawn()
        return beat.wait_ready() if wait else beat

    return start


@pytest.fixture
def caller(national_campaign, offices, volunteer):
    """caller() logs one call through call_log_create, rotating offices and outcomes."""
    action = national_campaign.actions.get()
    targets = cycle(
        (office, outcome)
        for office in (offices["doj"], offices["attorney_general"], offices["senator_1"])
        for outcome in OUTCOMES
    )

    def log_one():
        office, outcome = next(targets)
        return call_log_create(
            user=volunteer, campaign=national_campaign, action=action, office=office, outcome=outcome
        )

    return log_one


# ------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------


def bulk_calls(n, *, campaign, office, chapter, user):
    action = campaign.actions.get()
    CallLog.objects.bulk_create(
        CallLog(user=user, campaign=campaign, action=action, office=office, chapter=chapter, outcome=OUTCOMES[i % 4])
        for i in range(n)
    )


def send_rollup():
    from advocacy.celery import app

    app.send_task(ROLLUP_TASK)


def last_call_id() -> int:
    return CallLog.objects.aggregate(m=Max("id"))["m"] or 0


def caught_up() -> bool:
    return rollup_mark() == last_call_id()


def assert_tallies_equal_count(campaign) -> None:
    """The rollup holds every call: verify_tallies is clean and the totals equal COUNT(*)."""
    report = tally_verify()
    assert report.differences == {}
    count = CallLog.objects.count()
    assert report.mark == last_call_id()
    assert report.calls == count
    assert CampaignTally.objects.aggregate(n=Sum("n"))["n"] == count
    assert ChapterTally.objects.aggregate(n=Sum("n"))["n"] == count
    assert tally_campaign_totals(campaign_ids=[campaign.pk]) == {campaign.pk: count}
    out = StringIO()
    call_command("verify_tallies", stdout=out)
    assert f"Tallies match CallLog: {count} calls" in out.getvalue()


def database_now():
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        return cursor.fetchone()[0]


def other_sessions(*, since) -> int:
    """Connections to the test database opened since `since` other than this one (a killed worker's,
    until PostgreSQL notices). Idle connections left by earlier tests in the same run don't count."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_start >= %s",
            [since],
        )
        return cursor.fetchone()[0]


def timed(fn):
    started = time.monotonic()
    result = fn()
    return result, time.monotonic() - started


# ------------------------------------------------------------------------------------------
# 1. Redis restart
# ------------------------------------------------------------------------------------------


def test_with_redis_stopped_calls_are_still_logged_and_the_tallies_catch_up_after_it_restarts(
    own_redis,
    start_worker,
    start_beat,
    caller,
    token_client,
    client,
    national_campaign,
    offices,
    volunteer,
    chapter,
    chapter_lead,
):
    worker, beat = start_worker(wait=False), start_beat(wait=False)
    worker.wait_ready()
    beat.wait_ready()
    api = token_client(volunteer)
    action = national_campaign.actions.get()
    body = {"campaign": national_campaign.slug, "action": action.pk, "office": offices["doj"].pk, "outcome": "reached"}
    client.force_login(chapter_lead)
    dashboard = reverse("api:chapter-tally", kwargs={"slug": chapter.slug})

    for _ in range(10):
        caller()
    for _ in range(3):
        assert api.post("/api/v1/calls/", body, format="json").status_code == HTTPStatus.CREATED
    wait_for(caught_up, timeout=30, message="the beat and worker to roll up before the outage")
    assert_tallies_equal_count(national_campaign)

    own_redis.stop()

    for _ in range(20):
        (_, created), seconds = timed(caller)
        assert created
        assert seconds < MAX_SECONDS_PER_CALL, f"call_log_create took {seconds:.2f} s with Redis down"
    for _ in range(10):
        response, seconds = timed(lambda: api.post("/api/v1/calls/", body, format="json"))
        assert response.status_code == HTTPStatus.CREATED, response.content
        assert seconds < MAX_SECONDS_PER_CALL, f"POST /api/v1/calls/ took {seconds:.2f} s with Redis down"
    # Readers stay exact without Redis: the rollup plus the live tail above the mark.
    count = CallLog.objects.count()
    assert count == 43
    assert tally_campaign_totals(campaign_ids=[national_campaign.pk]) == {national_campaign.pk: count}
    response, seconds = timed(lambda: client.get(dashboard))
    assert response.status_code == HTTPStatus.OK
    assert response.json()["total"] == count
    assert seconds < MAX_SECONDS_PER_CALL
    # A few beats fire into the outage; neither the beat nor the worker may die of it.
    time.sleep(3)
    assert worker.running, worker.tail()
    assert beat.running, beat.tail()
    assert rollup_mark() < last_call_id(), "nothing can have been rolled up without a broker"

    own_redis.start()  # the same port: the worker and the beat must reconnect by themselves

    wait_for(caught_up, timeout=60, message="the reconnected worker to catch up (no help from the test)")
    assert_tallies_equal_count(national_campaign)
    # And the nudge path works again once Redis is back.
    for _ in range(5):
        caller()
    wait_for(caught_up, timeout=30, message="the rollups after the restart")
    assert_tallies_equal_count(national_campaign)
    assert worker.received(ROLLUP_TASK) >= 2


# ------------------------------------------------------------------------------------------
# 2. Two beats
# ------------------------------------------------------------------------------------------


def test_two_beat_processes_and_two_workers_never_double_count(
    own_redis, start_worker, start_beat, caller, national_campaign, offices, chapter, volunteer
):
    workers = [start_worker("worker-a", wait=False), start_worker("worker-b", wait=False)]
    # A duplicated schedule: every rollup message is sent twice.
    beats = [start_beat("beat-a", wait=False), start_beat("beat-b", wait=False)]
    for process in workers + beats:
        process.wait_ready()

    deadline = time.monotonic() + 8
    rounds = 0
    while time.monotonic() < deadline:
        rounds += 1
        for _ in range(5):
            caller()
        if rounds % 5 == 0:
            bulk_calls(500, campaign=national_campaign, office=offices["doj"], chapter=chapter, user=volunteer)
        if rounds % 10 == 0:
            # While rollups race: whatever the mark, the tallies equal a recount up to it.
            assert tally_verify().differences == {}
        time.sleep(0.05)

    wait_for(caught_up, timeout=30, message="the beats' rollups after the calls stopped")
    assert_tallies_equal_count(national_campaign)
    received = sum(worker.received(ROLLUP_TASK) for worker in workers)
    assert received >= 10, f"only {received} rollup messages reached the workers"
    assert all(worker.received(ROLLUP_TASK) for worker in workers), "both workers should have rolled up"


# ------------------------------------------------------------------------------------------
# 3. Repeated worker kills
# ------------------------------------------------------------------------------------------


def test_a_worker_killed_again_and_again_during_rollups_loses_and_doubles_nothing(
    own_redis, start_worker, caller, tmp_path, national_campaign, offices, chapter, volunteer
):
    rng = random.Random(5)  # noqa: S311 - timing jitter, not security
    started = database_now()
    deliberate_kills = 0
    for round_ in range(5):
        bulk_calls(3000, campaign=national_campaign, office=offices["doj"], chapter=chapter, user=volunteer)
        mark_before = rollup_mark()
        if round_ % 2 == 0:
            # Killed between the tally upserts and the commit of the mark (the hook sleeps there).
            marker = tmp_path / f"rolling-up-{round_}"
            worker = start_worker(f"worker-{round_}", **{PAUSE_ENV: "60", MARKER_ENV: str(marker)})
            send_rollup()
            wait_for(marker.exists, timeout=30, message=f"round {round_}: the rollup to reach its commit")
            for _ in range(3):
                caller()  # calls keep being logged while the rollup holds its lock
            worker.kill9()
            deliberate_kills += 1
        else:
            # Killed at a random moment: before, during or after a rollup.
            worker = start_worker(f"worker-{round_}")
            send_rollup()
            for _ in range(3):
                caller()
            time.sleep(rng.uniform(0, 0.3))
            worker.kill9()
        wait_for(
            lambda: other_sessions(since=started) == 0, timeout=30, message="PostgreSQL to drop the killed sessions"
        )
        report = tally_verify()
        assert report.differences == {}, f"round {round_}: {report.differences}"
        if round_ % 2 == 0:
            assert report.mark == mark_before, "a rollup killed before its commit must move nothing"

    assert deliberate_kills == 3
    assert rollup_mark() < last_call_id()
    start_worker("worker-final")
    deadline = time.monotonic() + 60
    while not caught_up():  # messages are hints: resend until the work is done
        assert time.monotonic() < deadline, "the final worker did not catch up in 60 s"
        send_rollup()
        time.sleep(0.5)
    assert_tallies_equal_count(national_campaign)
    assert CallLog.objects.count() == 5 * 3003


# ------------------------------------------------------------------------------------------
# 4. A hung Redis: one request per process pays the timeout, then the cache backs off (advocacy/cache.py)
# ------------------------------------------------------------------------------------------

# Long enough for the nudge's 1 s per-process debounce to expire three times.
HUNG_SECONDS = 3.2
SLOW = 0.2


def hang(redis) -> None:
    """Pause Redis once the test's data exists (officials' cache hooks would wait on it too)."""
    from django.core.cache import cache

    cache.set("warm", 1)  # the pool holds an open connection, as in a running server
    redis.pause()


def slow_requests(request) -> list[float]:
    """Run request() back to back for HUNG_SECONDS; the durations of the slow ones."""
    slow = []
    deadline = time.monotonic() + HUNG_SECONDS
    while time.monotonic() < deadline:
        _, seconds = timed(request)
        if seconds > SLOW:
            slow.append(round(seconds, 2))
    return slow


def test_with_redis_hung_call_log_create_waits_on_it_at_most_once(own_redis, caller):
    hang(own_redis)

    slow = slow_requests(caller)

    # One call may pay a timeout to learn that Redis is down, and one more if the process retries
    # Redis during the window; not every call, nor every second.
    assert len(slow) <= 2, f"{len(slow)} calls waited on a hung Redis: {slow}"
    assert CallLog.objects.count() > 10


def test_with_redis_hung_the_calls_api_waits_on_it_at_most_once(
    own_redis, token_client, national_campaign, offices, volunteer
):
    api = token_client(volunteer)
    action = national_campaign.actions.get()
    body = {"campaign": national_campaign.slug, "action": action.pk, "office": offices["doj"].pk, "outcome": "reached"}
    statuses = set()

    def post():
        statuses.add(api.post("/api/v1/calls/", body, format="json").status_code)

    hang(own_redis)

    slow = slow_requests(post)

    assert statuses == {HTTPStatus.CREATED}
    assert len(slow) <= 2, f"{len(slow)} POSTs waited on a hung Redis: {slow}"


# ------------------------------------------------------------------------------------------
# 5. Signing in with Redis stopped: allauth's rate limits read a fail-soft cache
# ------------------------------------------------------------------------------------------


def test_with_redis_stopped_signing_in_is_not_a_server_error(own_redis, client, settings, volunteer):
    from advocacy.settings.base import ACCOUNT_RATE_LIMITS

    settings.ACCOUNT_RATE_LIMITS = ACCOUNT_RATE_LIMITS  # the production limits (the test settings turn them off)
    client.raise_request_exception = False
    own_redis.stop()

    response = client.post(reverse("account_login"), {"login": volunteer.email, "password": "not-the-password"})

    assert response.status_code == HTTPStatus.OK  # the form again, with its error
