"""The per-office limit (3 calls per caller, action and office in 24 hours) under concurrency, through the production server.

Before the per-office lock (tallies/sql/writes.py: per_office_lock, call_insert_function), 30 simultaneous token calls
stored 4 under `python -m advocacy.webserver`, and 12 batches of 3 plus 12 single calls stored 9:
each INSERT counted the rows committed before it started. The server runs on the test database
(committed rows: transactional_db) with two worker processes of eight threads, so requests really
run at once; every request is released by one barrier.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from accounts.services import api_token_create
from tallies.models import CallLog
from tests.factories.campaigns import ActionFactory, CampaignFactory
from tests.factories.officials import missouri_officials

from ._processes import ROOT, WebServer

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

CONCURRENT = 30


@pytest.fixture
def server(transactional_db, tmp_path: Path):
    name = connection.settings_dict["NAME"]
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "advocacy.settings.test",
        "DATABASE_URL": f"{base}/{name}",
        "REDIS_URL": os.environ["REDIS_URL"],
        # The same cache keys as this process (the prefix is made from the database's name, and
        # the server's name is the test database's), so this process's invalidations reach it.
        "CACHE_KEY_PREFIX": settings.CACHE_KEY_PREFIX,
        "PYTHONPATH": str(ROOT),
    }
    web = WebServer(env=env, log_path=tmp_path / "webserver.log", workers=2, threads=8).start()
    try:
        yield web
    except BaseException:
        print(web.tail())
        raise
    finally:
        web.kill9()


@pytest.fixture
def caller(transactional_db, volunteer):
    """The volunteer's token, session cookies and the call body (the DOJ: a fixed target, no ZIP rule)."""
    offices = missouri_officials()
    national_campaign = CampaignFactory(slug="race")
    ActionFactory(campaign=national_campaign, target_roles=["attorney_general"], target_offices=[offices["doj"]])
    _, key = api_token_create(user=volunteer, name="race")
    client = Client()
    client.force_login(volunteer)
    csrf = secrets.token_hex(16)  # 32 characters: a CSRF secret the cookie and the header share
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; csrftoken={csrf}"
    action = national_campaign.actions.get()
    return {
        "token": {"Authorization": f"Token {key}"},
        "session": {"Cookie": cookie, "X-CSRFToken": csrf},
        "csrf": csrf,
        "campaign": national_campaign,
        "doj": offices["doj"],
        "body": {
            "campaign": national_campaign.slug,
            "action": action.pk,
            "office": offices["doj"].pk,
            "outcome": "reached",
        },
    }


def _all_at_once(requests: list) -> list:
    barrier = threading.Barrier(len(requests))

    def run(send):
        barrier.wait(timeout=60)
        return send()

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(run, requests))


def _single(server, caller, auth: str):
    headers = {**caller[auth], "Idempotency-Key": str(uuid.uuid4())}
    return lambda: server.request("/api/v1/calls/", method="POST", body=caller["body"], headers=headers)[0]


def _page(server, caller):
    body = caller["body"]
    form = (
        f"action={body['action']}&office={body['office']}&outcome=reached&note="
        f"&idempotency_key={uuid.uuid4()}&csrfmiddlewaretoken={caller['csrf']}"
    ).encode()
    headers = {
        **caller["session"],
        "Content-Type": "application/x-www-form-urlencoded",
        "HX-Request": "true",
        "Origin": f"http://127.0.0.1:{server.port}",
    }
    path = f"/campaigns/{caller['campaign'].slug}/calls/"
    return lambda: server.request(path, method="POST", data=form, headers=headers)[0]


def _batch(server, caller, size: int):
    calls = [{**caller["body"], "idempotency_key": str(uuid.uuid4())} for _ in range(size)]
    headers = caller["token"]

    def send():
        status, _, raw, _ = server.request(
            "/api/v1/calls/batch/", method="POST", body={"calls": calls}, headers=headers
        )
        return status, json.loads(raw)

    return send


def test_30_simultaneous_token_calls_to_one_office_store_exactly_3(server, caller):
    statuses = _all_at_once([_single(server, caller, "token") for _ in range(CONCURRENT)])

    assert CallLog.objects.count() == 3
    assert sorted(statuses).count(201) == 3, statuses
    assert sorted(statuses).count(429) == CONCURRENT - 3, statuses


def test_30_simultaneous_calls_over_every_path_store_exactly_3(server, caller):
    """Token (the fast path), session (the DRF view) and the call page, mixed."""
    requests = []
    for i in range(CONCURRENT):
        kind = i % 3
        requests.append(
            _single(server, caller, "token")
            if kind == 0
            else _single(server, caller, "session")
            if kind == 1
            else _page(server, caller)
        )

    statuses = _all_at_once(requests)

    assert CallLog.objects.count() == 3, statuses
    assert all(status in (200, 201, 429) for status in statuses), statuses


def test_12_batches_of_3_and_12_single_calls_at_once_store_3(server, caller):
    """Three rounds, each on an action of its own: one round alone does not always catch the race."""
    campaign = caller["campaign"]
    for round_ in range(3):
        action = ActionFactory(campaign=campaign, target_roles=["attorney_general"], target_offices=[caller["doj"]])
        round_caller = {**caller, "body": {**caller["body"], "action": action.pk}}
        requests = [_batch(server, round_caller, 3) for _ in range(12)]
        requests += [_single(server, round_caller, "token") for _ in range(12)]

        answers = _all_at_once(requests)

        assert CallLog.objects.filter(action=action).count() == 3, round_
        created = 0
        for answer in answers:
            if isinstance(answer, tuple):
                status, body = answer
                assert status == 200, body
                created += body["created"]
                assert all(
                    r["error"]["code"] == "too_many_calls_to_office" for r in body["results"] if r["result"] == "error"
                ), body
            else:
                assert answer in (201, 429), answers
                created += answer == 201
        assert created == 3
