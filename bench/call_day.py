"""A national call day on the production stack, with faults: what the platform does as a whole.

    .venv/bin/python bench/call_day.py                   # 600 s at 1,000 calls/s, with the three faults
    .venv/bin/python bench/call_day.py --duration 60     # the short run
    .venv/bin/python bench/call_day.py --duration 60 --no-faults

Needs Debian's `wrk` (`apt-get install -y wrk`), PostgreSQL's server binaries and redis-server
(both on these machines). Everything runs on this machine, on loopback, and is started by the
script: a private PostgreSQL cluster and a private redis-server (the shared ones are never
touched, since both are restarted on purpose), the production web server
(`python -m advocacy.webserver`, its own defaults), two Celery workers, one beat, and an SMTP
sink (aiosmtpd) that counts every message and every recipient.

Seed: the public officials data from OFFICIALS_DATA_DIR (all states, as `make run` loads it),
volunteers with API tokens whose ZIPs are spread over every state (a few single-district ZIPs per
state), a national campaign with two call actions (governor, attorney general, senators,
representative, and the Department of Justice as a fixed target), a rally chapter of
--call-now-members members, and a probe chapter of one volunteer for the rollup freshness.

Load, for --duration seconds:
- POST /api/v1/calls/ at --rate calls/s (wrk, in 15 s slices so each slice has its own latency
  percentiles, each slice ending once every request it sent has its answer; each wrk thread sends
  on a fixed schedule, 2% above the rate since 1 request in 100 is refused on purpose, so the rate
  does not fall with the latency), round-robin over the tokens, each call to one of the caller's own offices and no
  caller over 3 calls to an office, except on purpose: 1 request in 200 calls another state's
  attorney general (refused by the constituent rule) and 1 in 200 is a 4th call to the same office
  (refused by the per-office limit). Those refusals are counted apart from errors.
- batch uploads: 1% of the call rate, as batches of 10 items;
- chapter dashboards (the lead's page, signed in) at 20 requests/s and the public widget at 50/s;
- a "call now" message to the rally chapter at 20% of the run;
- faults, once each (unless --no-faults): kill -9 of one worker at 30% (restarted 2 s later, as
  its supervisor would), a Redis restart at 50% and a PostgreSQL restart at 70% (each down ~2 s).

Then it waits for the emails and the rollup, and prints one figure per line: calls/s (median and
slowest second, outside the fault windows), p99 latency outside them (the worst slice's, and the
median slice's), answers by status (503s
inside fault windows counted apart), calls lost both ways (201 answers without a row, rows
without a 201; from the ids in the answers), tallies exact (verify_tallies, and the dashboard's
total against COUNT(*)), rollup freshness (p50/p95 seconds from a probe call's 201 until the
probe chapter's tally includes it), emails sent, duplicates and failed, each fault's recovery
(seconds from the service being back to the first second of 201s with no 5xx), and the goals.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tests.integration._processes import (  # noqa: E402 - after the path is set
    CeleryProcess,
    PrivatePostgres,
    RedisServer,
    free_port,
    port_open,
    wait_for,
)

# --pg-stats: what the database spent its time on, and the plans of the slowest statements.
SLOW_PLAN_MS = 500
PG_STATS_SETTINGS = {
    "shared_preload_libraries": "pg_stat_statements,auto_explain",
    "auto_explain.log_min_duration": str(SLOW_PLAN_MS),
}
PG_STATS_TOP = 12
WINDOW_BEFORE, WINDOW_AFTER = 1, 10  # a fault window: from 1 s before the fault to 10 s after the service is back
SLICE_SECONDS = 15
DRAIN_SECONDS = 5  # wrk's timeout: a slice runs on this long after its last request
STATES_ZIPS = 5  # single-district ZIPs used per state

WRK_SCRIPT = r"""
local tokens, zips, limit_tokens = {}, {}, {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do
  local key, zip = line:match("^(%S+)\t(%d+)$")
  tokens[#tokens + 1] = {key, tonumber(zip)}
end
for line in io.lines(os.getenv("BENCH_ZIPS")) do
  local pairs_, foreign = {}, nil
  for a, o in line:gmatch("(%d+):(%d+)") do pairs_[#pairs_ + 1] = {a, o} end
  foreign = line:match("foreign=(%d+)")
  zips[#zips + 1] = {pairs_ = pairs_, foreign = foreign}
end
for line in io.lines(os.getenv("BENCH_LIMIT_TOKENS")) do
  local key, zip = line:match("^(%S+)\t(%d+)$")
  limit_tokens[#limit_tokens + 1] = {key, tonumber(zip)}
end
local campaign = os.getenv("BENCH_CAMPAIGN")
local offset = tonumber(os.getenv("BENCH_OFFSET"))
-- A steady rate, whatever the answers' latency: each wrk thread sends on its own schedule, one
-- request every BENCH_INTERVAL_MS, on whichever of its connections is free (wrk asks delay()
-- before every request). A fixed sleep after each answer would instead lower the rate by
-- every millisecond of latency. A schedule left more than MAX_BEHIND_MS behind (a fault
-- window) restarts from now rather than bursting to catch up.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local clock = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock)  -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end
local interval_ms = tonumber(os.getenv("BENCH_INTERVAL_MS"))
local MAX_BEHIND_MS = 200
local next_due = nil
-- No new request after BENCH_STOP_SENDING_MS (monotonic). A thread whose every request has its
-- answer then says so (a file beside BENCH_OUT) and stops; the runner interrupts wrk once every
-- thread has, or after wrk's timeout. So a call the server stored is never cut off by the end of
-- a slice, and the slice ends as soon as its last answer is in.
local stop_sending_ms = tonumber(os.getenv("BENCH_STOP_SENDING_MS"))
local answered, drained = 0, false
local outcomes = {"reached", "voicemail", "busy"}
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  per_second, refused_limit, refused_constituent, bad, ids, n = {}, 0, 0, {}, {}, 0
  nthreads = tonumber(os.getenv("BENCH_THREADS"))
end

function delay()
  local now = now_ms()
  if now >= stop_sending_ms then return 60000 end
  if next_due == nil or now - next_due > MAX_BEHIND_MS then next_due = now end
  next_due = next_due + interval_ms
  local wait = next_due - now
  if wait <= 0 then return 0 end
  return wait
end

local function body(action, office, outcome)
  return string.format('{"campaign":"%s","action":%s,"office":%s,"outcome":"%s"}', campaign, action, office, outcome)
end

function request()
  n = n + 1
  local m = offset + (n - 1) * nthreads + tid
  local token, payload
  if m % 200 == 0 then
    -- another state's attorney general: refused by the constituent rule
    token = tokens[(m % #tokens) + 1]
    local z = zips[token[2]]
    payload = body(z.pairs_[1][1], z.foreign, "reached")
  elseif m % 200 == 100 then
    -- the same few callers call the same office again and again: past 3, refused by the per-office limit
    token = limit_tokens[(math.floor(m / 200) % #limit_tokens) + 1]
    local z = zips[token[2]]
    payload = body(z.pairs_[1][1], z.pairs_[1][2], "busy")
  else
    local i = m % #tokens
    local round = math.floor(m / #tokens)
    token = tokens[i + 1]
    local z = zips[token[2]]
    local p = z.pairs_[(round % #z.pairs_) + 1]
    payload = body(p[1], p[2], outcomes[(round % 3) + 1])
  end
  return wrk.format("POST", "/api/v1/calls/", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Token " .. token[1],
    ["Idempotency-Key"] = string.format("day-%d-%d", offset, m),
  }, payload)
end

function response(status, headers, body)
  -- flat keys ("second:status"): wrk copies only flat tables between its Lua states
  local key = os.time() .. ":" .. status
  per_second[key] = (per_second[key] or 0) + 1
  if status == 201 then
    ids[#ids + 1] = body:match('"id":%s*(%d+)')
  elseif status == 429 and body:find("too_many_calls_to_office", 1, true) then
    refused_limit = refused_limit + 1
  elseif status == 422 and body:find("not_a_constituent", 1, true) then
    refused_constituent = refused_constituent + 1
  end
  answered = answered + 1
  -- wrk calls request() once more in its first thread, to check the script, and sends nothing
  local sent = n - ((tid == 0) and 1 or 0)
  if not drained and answered >= sent and now_ms() >= stop_sending_ms then
    drained = true
    io.open(os.getenv("BENCH_OUT") .. ".drained-" .. tid, "w"):close()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local out = io.open(os.getenv("BENCH_OUT"), "w")
  local seconds = {}
  for _, t in ipairs(threads) do
    for key, c in pairs(t:get("per_second")) do seconds[key] = (seconds[key] or 0) + c end
  end
  local parts = {}
  for key, c in pairs(seconds) do parts[#parts + 1] = string.format('"%s": %d', key, c) end
  local limit, constituent, nids = 0, 0, 0
  for _, t in ipairs(threads) do
    limit = limit + t:get("refused_limit")
    constituent = constituent + t:get("refused_constituent")
  end
  local e = summary.errors
  out:write(string.format(
    '{"requests": %d, "p50_us": %d, "p99_us": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, '
      .. '"refused_limit": %d, "refused_constituent": %d, "per_second": {%s}}\n',
    summary.requests, latency:percentile(50), latency:percentile(99), e.connect, e.read, e.write, e.timeout,
    limit, constituent, table.concat(parts, ", ")))
  for _, t in ipairs(threads) do
    for _, id in ipairs(t:get("ids")) do out:write(id, "\n") end
  end
  out:close()
end
"""


# ---------------------------------------------------------------------------------------------
# The stack
# ---------------------------------------------------------------------------------------------


class Sink:
    """An SMTP server on loopback that counts messages and recipients (duplicates are recipients seen twice)."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.recipients: Counter[str] = Counter()
        self.messages = 0
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
                with sink.lock:
                    sink.messages += 1
                    sink.recipients.update(envelope.rcpt_tos)
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def duplicates(self) -> int:
        with self.lock:
            return sum(n - 1 for n in self.recipients.values() if n > 1)


class WebServer:
    def __init__(self, env: dict, log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        self.env = {**env, "WEB_BIND": f"127.0.0.1:{self.port}"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "advocacy.webserver"],
            cwd=ROOT,
            env=self.env,
            stdout=log_path.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: port_open(self.port) or self.proc.poll() is not None, timeout=60, message="the web server")
        if self.proc.poll() is not None:
            sys.exit(f"the web server exited:\n{log_path.read_text()[-3000:]}")

    def stop(self):
        import signal

        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


def stack_env(*, db_url: str, redis_url: str, smtp_port: int, metrics_dir: Path) -> dict:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "DJANGO_SECRET_KEY": "call-day-bench-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "DEFAULT_FROM_EMAIL": "calls@example.org",
        "REMINDERS_BASE_URL": "http://127.0.0.1",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }


def setup_django(env: dict) -> None:
    for key in ("DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"):
        os.environ[key] = env[key]
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "false"
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = env["PROMETHEUS_MULTIPROC_DIR"]
    import django

    django.setup()


# ---------------------------------------------------------------------------------------------
# Seed
# ---------------------------------------------------------------------------------------------


def seed(*, volunteers: int, limit_callers: int, call_now_members: int, workdir: Path) -> dict:
    """Everything the load needs, written to files wrk reads; returns what the Python side needs."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import ApiToken, Chapter, Membership, hash_token_key
    from campaigns.models import Action, Campaign
    from officials.models import Office, OfficeRole, ZipDivision
    from officials.selectors import office_ids_for_caller
    from officials.services import DOJ_NAME, officials_load_demo

    user_model = get_user_model()
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    officials_load_demo(data_dir=settings.OFFICIALS_DATA_DIR)
    roles = [OfficeRole.GOVERNOR, OfficeRole.ATTORNEY_GENERAL, OfficeRole.US_SENATE, OfficeRole.US_HOUSE]
    doj = Office.objects.organisations().get(name=DOJ_NAME)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            title="National call day",
            slug="national-call-day",
            summary="Call everyone today.",
            status=Campaign.Status.ACTIVE,
            call_goal=1_000_000,
            published_at=timezone.now(),
        )
        actions = []
        for title in ("Call your officials about sentencing", "Call them again about the budget"):
            action = Action.objects.create(
                campaign=campaign, kind=Action.Kind.CALL, title=title, script="Hello.", target_roles=roles
            )
            action.target_offices.set([doj])
            actions.append(action)

    # A few single-district ZIPs per state, with the caller's offices for the campaign's roles.
    counts = Counter(ZipDivision.objects.values_list("zcta", flat=True))
    by_state: dict[str, list[str]] = {}
    for zcta, state in ZipDivision.objects.order_by("zcta").values_list("zcta", "state"):
        if counts[zcta] == 1 and len(by_state.setdefault(state, [])) < STATES_ZIPS:
            by_state[state].append(zcta)
    attorney_generals = dict(
        Office.objects.filter(role=OfficeRole.ATTORNEY_GENERAL).values_list("division__state", "pk")
    )
    office_roles = dict(Office.objects.filter(role__in=roles).values_list("pk", "role"))
    zips = []  # (zcta, state, [(action, office)], a foreign AG)
    states = sorted(s for s in by_state if s in attorney_generals)
    for index, state in enumerate(states):
        foreign = attorney_generals[states[(index + 1) % len(states)]]
        for zcta in by_state[state]:
            mine = office_ids_for_caller(zip_code=zcta) or frozenset()
            offices = sorted(o for o in mine if o in office_roles) + [doj.pk]
            pairs = [(a.pk, o) for a in actions for o in offices]
            zips.append((zcta, state, pairs, foreign))

    now = timezone.now()

    def people(prefix: str, n: int, chapter: Chapter, *, zip_rows=None) -> list:
        emails = [f"{prefix}-{i:06d}@example.org" for i in range(n)]
        rows = []
        for i, email in enumerate(emails):
            zcta, state = (zip_rows[i % len(zip_rows)][:2]) if zip_rows else ("", "")
            rows.append(user_model(email=email, name=f"{prefix} {i}", zip_code=zcta, state=state, date_joined=now))
        users = user_model.objects.bulk_create(rows, batch_size=5000)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users], batch_size=5000
        )
        Membership.objects.bulk_create(
            [Membership(user=u, chapter=chapter, role=Membership.Role.MEMBER) for u in users], batch_size=5000
        )
        return users

    def tokens_for(users) -> list[str]:
        import secrets

        keys = [secrets.token_urlsafe(32) for _ in users]
        ApiToken.objects.bulk_create(
            [
                ApiToken(user=u, name="call day", key_hash=hash_token_key(k), prefix=k[:8])
                for u, k in zip(users, keys, strict=True)
            ],
            batch_size=5000,
        )
        return keys

    with transaction.atomic():
        callers = Chapter.objects.create(name="Call Day Callers", slug="call-day-callers", state="MO")
        rally = Chapter.objects.create(name="Call Day Rally", slug="call-day-rally", state="MO")
        probe_chapter = Chapter.objects.create(name="Probe", slug="call-day-probe", state="MO")
        volunteer_users = people("caller", volunteers + limit_callers, callers, zip_rows=zips)
        keys = tokens_for(volunteer_users)
        people("rally", call_now_members, rally)
        lead = user_model.objects.create_user(email="lead@example.org", password=None, name="Lead")
        EmailAddress.objects.create(user=lead, email=lead.email, verified=True, primary=True)
        Membership.objects.create(user=lead, chapter=callers, role=Membership.Role.LEAD)
        Membership.objects.create(user=lead, chapter=probe_chapter, role=Membership.Role.LEAD)
        Membership.objects.create(user=lead, chapter=rally, role=Membership.Role.LEAD)
        probe = people("probe", 1, probe_chapter, zip_rows=[("65101", "MO")])[0]
        probe_key = tokens_for([probe])[0]
        lead_key = tokens_for([lead])[0]
        probe_campaign = Campaign.objects.create(
            title="Probe",
            slug="call-day-probe",
            summary=".",
            status=Campaign.Status.ACTIVE,
            chapter=probe_chapter,
            call_goal=100,
            published_at=timezone.now(),
        )
        probe_action = Action.objects.create(campaign=probe_campaign, kind=Action.Kind.CALL, title="Probe", script=".")
        probe_action.target_offices.set([doj])

    zip_index = {zcta: i + 1 for i, (zcta, *_rest) in enumerate(zips)}
    tokens_file, limit_file, zips_file = workdir / "tokens.tsv", workdir / "limit.tsv", workdir / "zips.txt"
    lines = [f"{k}\t{zip_index[u.zip_code]}" for u, k in zip(volunteer_users, keys, strict=True)]
    tokens_file.write_text("\n".join(lines[:volunteers]) + "\n")
    limit_file.write_text("\n".join(lines[volunteers:]) + "\n")
    zips_file.write_text(
        "\n".join(" ".join(f"{a}:{o}" for a, o in pairs) + f" foreign={foreign}" for _, _, pairs, foreign in zips)
        + "\n"
    )
    batch_bodies = [
        {"campaign": campaign.slug, "action": a, "office": o}
        for (zcta, _, pairs, _) in zips[:1]
        for a, o in pairs  # the batch callers share one ZIP; each gets its own token below
    ]
    batch_users = people("batch", 400, callers, zip_rows=zips[:1])
    batch_keys = tokens_for(batch_users)
    print(
        f"seeded in {time.monotonic() - started:.0f} s: {len(states)} states, {len(zips)} ZIPs, "
        f"{volunteers} callers (+{limit_callers} for the per-office limit), {call_now_members} rally members",
        flush=True,
    )
    return {
        "campaign": campaign.slug,
        "tokens": tokens_file,
        "limit_tokens": limit_file,
        "zips": zips_file,
        "batch_keys": batch_keys,
        "batch_bodies": batch_bodies,
        "probe_key": probe_key,
        "probe_body": {"campaign": probe_campaign.slug, "action": probe_action.pk, "office": doj.pk},
        "lead_key": lead_key,
        "rally_chapter": rally.slug,
        "callers_chapter": callers.slug,
        "probe_chapter": probe_chapter.slug,
    }


# ---------------------------------------------------------------------------------------------
# Load
# ---------------------------------------------------------------------------------------------


class Http:
    """A keep-alive HTTP client for one thread; reconnects after any failure."""

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body=None, headers=None) -> tuple[int, bytes]:
        for _ in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                data = json.dumps(body).encode() if body is not None else None
                self.conn.request(
                    method, path, body=data, headers={"Content-Type": "application/json", **(headers or {})}
                )
                response = self.conn.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
        return 0, b""


class Paced(threading.Thread):
    """Calls `step(client)` `rate` times a second until stopped, recording (time, status, seconds).

    The rate is held whatever the answers' latency, up to `clients` requests in flight: each of
    `clients` threads has its own connection and clock (every clients/rate seconds, staggered), so
    a slow answer delays only that client's next request. With one client a slow server would
    quietly lower the load it is measured under.
    """

    def __init__(self, name: str, rate: float, step, stop: threading.Event, port: int, clients: int = 1):
        super().__init__(name=name, daemon=True)
        self.rate, self.step, self.stop, self.port, self.clients = rate, step, stop, port, clients
        self.samples: list[tuple[float, int, float]] = []  # list.append is atomic: shared by the clients

    def run(self):
        start = time.monotonic()
        threads = [
            threading.Thread(target=self._client, args=(start + n / self.rate,), daemon=True)
            for n in range(self.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _client(self, next_at: float):
        client = Http(self.port)
        interval = self.clients / self.rate
        time.sleep(max(0.0, next_at - time.monotonic()))
        while not self.stop.is_set():
            started = time.monotonic()
            status = self.step(client)
            self.samples.append((time.time(), status, time.monotonic() - started))
            next_at += interval
            time.sleep(max(0.0, next_at - time.monotonic()))


def lead_session_cookie(port: int) -> str:
    """Signs the lead in through the login page, as a browser would; returns the Cookie header."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    lead = get_user_model().objects.get(email="lead@example.org")
    session = SessionStore()
    session["_auth_user_id"] = str(lead.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = lead.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def offered_rate(rate: int) -> int:
    """Requests a second sent for `rate` logged calls a second: 1 in 100 is refused on purpose, and a
    per-second count jitters by a few calls, so the generator offers 2% more than the target."""
    return round(rate * 1.02)


def run_wrk_slices(*, port: int, args, files: dict, workdir: Path, stop_at: float) -> list[dict]:
    """wrk in slices of SLICE_SECONDS of sending, each ended once every request it sent has its answer.

    A slice cut off with requests in flight would leave calls stored without their 201 (and count
    them as lost). Each wrk thread stops sending at the slice's end and says when its last answer
    is in; wrk is then interrupted (SIGINT: it still writes its figures), or after its timeout.
    """
    connections, threads = args.connections, 2
    interval_ms = threads * 1000 / offered_rate(args.rate)
    lua = workdir / "call_day.lua"
    lua.write_text(WRK_SCRIPT)
    slices, offset = [], 1
    while time.monotonic() < stop_at - 1:
        sending = max(2, min(SLICE_SECONDS, int(stop_at - time.monotonic())))
        stop_sending = time.monotonic() + sending
        out = workdir / f"slice-{len(slices)}.json"
        env = {
            **os.environ,
            "BENCH_TOKENS": str(files["tokens"]),
            "BENCH_LIMIT_TOKENS": str(files["limit_tokens"]),
            "BENCH_ZIPS": str(files["zips"]),
            "BENCH_CAMPAIGN": files["campaign"],
            "BENCH_OFFSET": str(offset),
            "BENCH_INTERVAL_MS": f"{interval_ms:.4f}",
            "BENCH_THREADS": str(threads),
            "BENCH_OUT": str(out),
            "BENCH_STOP_SENDING_MS": f"{stop_sending * 1000:.0f}",
        }
        cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{sending + DRAIN_SECONDS}s"]
        cmd += [f"--timeout={DRAIN_SECONDS}s", f"-s{lua}", f"http://127.0.0.1:{port}"]
        result = _wrk_slice(cmd, env=env, out=out, threads=threads, stop_sending=stop_sending)
        slices.append(result)
        offset += result["requests"] + 1000  # every request of every slice has its own number
    return slices


def _wrk_slice(cmd: list[str], *, env: dict, out: Path, threads: int, stop_sending: float) -> dict:
    import signal

    wrk = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    markers = [Path(f"{out}.drained-{tid}") for tid in range(threads)]

    def over() -> bool:
        if wrk.poll() is not None:
            return True
        return time.monotonic() > stop_sending and all(marker.exists() for marker in markers)

    wait_for(over, timeout=stop_sending - time.monotonic() + DRAIN_SECONDS + 30, message="a wrk slice", every=0.05)
    if wrk.poll() is None:
        wrk.send_signal(signal.SIGINT)
    stdout, stderr = wrk.communicate(timeout=30)
    lines = out.read_text().splitlines() if out.exists() else []
    if not lines:
        sys.exit(f"wrk wrote nothing:\n{stdout}\n{stderr}")
    result = json.loads(lines[0])
    result["ids"] = [int(x) for x in lines[1:] if x.strip()]
    return result


def pg_stats_start() -> None:
    """Count from here: the seed's statements are not the day's."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        cursor.execute("SELECT pg_stat_statements_reset()")


def pg_stats_report(log_path: Path) -> list[str]:
    """The statements that took the most database time since pg_stats_start, and how many slow plans were logged."""
    from django.db import connections

    connections.close_all()  # this thread's connection may predate the PostgreSQL restart
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT calls, total_exec_time, regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements "
            "ORDER BY total_exec_time DESC LIMIT %s",
            [PG_STATS_TOP],
        )
        rows = cursor.fetchall()
    slow = log_path.read_text(errors="replace").count(" plan:") if log_path.exists() else 0
    lines = [
        f"database time by statement (pg_stat_statements, top {PG_STATS_TOP}): calls, total ms, mean ms, statement"
    ]
    lines += [f"  {calls} | {total:.0f} | {total / max(1, calls):.2f} | {query[:150]}" for calls, total, query in rows]
    lines.append(f"plans of statements over {SLOW_PLAN_MS} ms logged by auto_explain: {slow} (in postgres.log)")
    return lines


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


def main() -> None:
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=600)
    parser.add_argument("--rate", type=int, default=1000, help="target calls/s through POST /api/v1/calls/")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument(
        "--workers-nice",
        type=int,
        default=10,
        help="the Celery workers' niceness, as docs/operations.md runs them on a host shared with the web tier",
    )
    parser.add_argument("--volunteers", type=int, default=0, help="default: enough for the run at 3 calls an office")
    parser.add_argument("--call-now-members", type=int, default=50_000)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs) after the run")
    parser.add_argument(
        "--pg-stats",
        action="store_true",
        help="print the statements that took the database's time (pg_stat_statements) and log the plans of "
        f"those over {SLOW_PLAN_MS} ms (auto_explain, in postgres.log: add --keep)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("needs Debian's wrk: apt-get install -y wrk")
    # 12 (action, office) pairs a caller at least, 3 calls each: callers enough for the whole run.
    args.volunteers = args.volunteers or max(2000, int(args.rate * args.duration * 1.2 / 30))

    workdir = Path(tempfile.mkdtemp(prefix="call-day-"))
    workdir.chmod(0o755)
    postgres = (
        PrivatePostgres(
            root=workdir / "pg",
            log_path=workdir / "postgres.log",
            settings=PG_STATS_SETTINGS if args.pg_stats else None,
        )
        .init()
        .start()
    )
    redis = RedisServer(log_path=workdir / "redis.log").start()
    sink = Sink()
    metrics_dir = workdir / "metrics"
    metrics_dir.mkdir()
    env = stack_env(
        db_url=f"postgres://postgres@127.0.0.1:{postgres.port}/postgres",
        redis_url=redis.url,
        smtp_port=sink.port,
        metrics_dir=metrics_dir,
    )
    setup_django(env)
    files = seed(volunteers=args.volunteers, limit_callers=20, call_now_members=args.call_now_members, workdir=workdir)
    if args.pg_stats:
        pg_stats_start()
    web = WebServer(env, workdir / "web.log")
    workers = [
        CeleryProcess(
            kind="worker", env=env, log_path=workdir / f"worker-{n}.log", name=f"worker-{n}", nice=args.workers_nice
        ).start()
        for n in "ab"
    ]
    beat = CeleryProcess(
        kind="beat", env=env, log_path=workdir / "beat.log", args=["--schedule", str(workdir / "beat-schedule")]
    ).start()
    try:
        report = run_day(
            args,
            files=files,
            web=web,
            workers=workers,
            beat=beat,
            postgres=postgres,
            redis=redis,
            sink=sink,
            workdir=workdir,
        )
        if args.pg_stats:
            report += pg_stats_report(workdir / "postgres.log")
    finally:
        for process in [*workers, beat]:
            process.kill9()
        web.stop()
        redis.kill9()
        postgres.stop()
        sink.controller.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"work folder kept: {workdir}")
    print("\n".join(report))


def run_day(args, *, files, web, workers, beat, postgres, redis, sink, workdir) -> list[str]:
    from django.db import connection

    port = web.port
    cookie = lead_session_cookie(port)
    stop = threading.Event()
    batch_ids: list[int] = []
    batch_counter = iter(range(10**9))

    def batch_step(client):
        n = next(batch_counter)
        key = files["batch_keys"][n % len(files["batch_keys"])]
        items = [
            {
                **files["batch_bodies"][(n // len(files["batch_keys"]) * 10 + i) % len(files["batch_bodies"])],
                "outcome": "voicemail",
                "idempotency_key": f"batch-{n}-{i}",
            }
            for i in range(10)
        ]
        status, body = client.request(
            "POST", "/api/v1/calls/batch/", {"calls": items}, {"Authorization": f"Token {key}"}
        )
        if status == 200:
            batch_ids.extend(r["id"] for r in json.loads(body)["results"] if r["result"] == "created")
        return status

    dashboard = f"/chapters/{files['callers_chapter']}/dashboard/"
    widget = f"/campaigns/{files['campaign']}/widget/"
    loaders = [
        Paced("batch", args.rate / 1000, batch_step, stop, port),
        Paced(
            "dashboard", 20, lambda c: c.request("GET", dashboard, headers={"Cookie": cookie})[0], stop, port, clients=4
        ),
        Paced("widget", 50, lambda c: c.request("GET", widget)[0], stop, port, clients=8),
    ]

    freshness: list[float] = []
    probe_calls = [0]
    probe_ids: list[int] = []

    reader = Http(port)  # only the probe thread reads the tally with it

    def probe_step(client):
        n = probe_calls[0]
        status, body = client.request(
            "POST",
            "/api/v1/calls/",
            {**files["probe_body"], "outcome": "reached"},
            {"Authorization": f"Token {files['probe_key']}", "Idempotency-Key": f"probe-{n}"},
        )
        if status not in (200, 201):
            return status
        probe_ids.append(json.loads(body)["id"])
        probe_calls[0] += 1
        committed = time.monotonic()
        while time.monotonic() - committed < 30 and not stop.is_set():
            code, tally = reader.request(
                "GET",
                f"/api/v1/chapters/{files['probe_chapter']}/tally/",
                headers={"Authorization": f"Token {files['lead_key']}"},
            )
            if code == 200 and json.loads(tally).get("total", 0) >= probe_calls[0]:
                freshness.append(time.monotonic() - committed)
                break
            time.sleep(0.05)
        return status

    loaders.append(Paced("probe", 1, probe_step, stop, port))
    for loader in loaders:
        loader.start()

    started = time.monotonic()
    wall_start = time.time()
    faults: list[dict] = []

    def at(fraction: float) -> float:
        return started + args.duration * fraction

    def scheduler():
        from django.db import connections

        from accounts.models import Chapter
        from campaigns.models import Campaign
        from rally.services import call_now_create

        plan = [(0.2, "call now")]
        if not args.no_faults:
            plan += [(0.3, "worker kill"), (0.5, "redis restart"), (0.7, "postgres restart")]
        for fraction, what in plan:
            time.sleep(max(0.0, at(fraction) - time.monotonic()))
            if what == "call now":
                chapter = Chapter.objects.get(slug=files["rally_chapter"])
                campaign = Campaign.objects.get(slug=files["campaign"])
                call_now_create(chapter=chapter, campaign=campaign, message="Call now: the vote is tomorrow.")
                connections.close_all()
                continue
            fault = {"what": what, "at": time.time()}
            if what == "worker kill":
                workers[0].kill9()
                time.sleep(2)
                fault["back"] = time.time()
                workers[0].start()
            elif what == "redis restart":
                redis.stop()
                time.sleep(2)
                redis.start()
                fault["back"] = time.time()
            else:
                postgres.stop()
                time.sleep(2)
                postgres.start()
                fault["back"] = time.time()
            faults.append(fault)

    scheduler_thread = threading.Thread(target=scheduler, daemon=True)
    scheduler_thread.start()
    meter = CpuMeter(
        {
            "web": lambda: [web.proc.pid],
            "PostgreSQL": lambda: [postgres.proc.pid],
            "Celery": lambda: [p.proc.pid for p in [*workers, beat] if p.proc is not None],
            "Redis": lambda: [redis.proc.pid],
        },
        children="wrk" if args.no_faults else "wrk and the processes the faults ended",
    )
    slices = run_wrk_slices(port=port, args=args, files=files, workdir=workdir, stop_at=started + args.duration)
    cpu_line = meter.report(calls=sum(n for r in slices for k, n in r["per_second"].items() if k.endswith(":201")))
    stop.set()
    scheduler_thread.join(timeout=30)
    for loader in loaders:
        loader.join(timeout=15)

    # Let the emails and the rollup finish. This thread's connection did not live through the
    # PostgreSQL restart: start a new one.
    from django.db import connections

    from rally.models import CallNowMessage

    connections.close_all()
    from reminders.models import ReminderDelivery

    deadline = time.monotonic() + max(300, args.duration)
    while time.monotonic() < deadline:
        message = CallNowMessage.objects.first()
        if message is not None and message.status in (CallNowMessage.Status.DONE, CallNowMessage.Status.FAILED):
            break
        time.sleep(2)
    time.sleep(3)
    return summarise(
        args,
        slices=slices,
        loaders=loaders,
        faults=faults,
        freshness=freshness,
        probe_ids=probe_ids,
        batch_ids=batch_ids,
        sink=sink,
        wall_start=wall_start,
        port=port,
        cookie=cookie,
        files=files,
        connection=connection,
        message=CallNowMessage.objects.first(),
        deliveries=ReminderDelivery,
    ) + [cpu_line]


class CpuMeter:
    """CPU seconds each part of the stack spent during the load, from /proc: noise on a shared
    machine stretches the wall clock, not the CPU a request costs, so this is what sizing uses.

    Each group is named by a function that returns its processes' pids, asked again at the end,
    so a server restarted during the load counts with its new processes. What a process that
    exited during the load (the killed worker, a restarted server's old processes) had spent is
    only in the benchmark's children's total, with wrk's: with faults that line says so, and the
    figures per part are complete with --no-faults only.
    """

    TICKS = os.sysconf("SC_CLK_TCK")

    def __init__(self, groups: dict[str, Callable[[], list[int]]], *, children: str = "wrk"):
        self.groups = groups
        self.children = children
        self.roots = {name: set(pids()) for name, pids in groups.items()}
        self.before = self._read()
        self.children_before = self._children()
        self.started = time.monotonic()

    @staticmethod
    def _children() -> float:
        import resource

        usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk's slices, once each has exited
        return usage.ru_utime + usage.ru_stime

    def _read(self) -> dict[int, tuple[int, float]]:
        """pid -> (parent pid, CPU seconds) for every process now running."""
        table = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            table[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / self.TICKS)
        return table

    def report(self, *, calls: int) -> str:
        after = self._read()
        elapsed = time.monotonic() - self.started
        spent = {}
        for name, pids in self.groups.items():
            members = self.roots[name] | set(pids())
            grew = True
            while grew:  # every descendant of the group's processes
                more = {pid for pid, (ppid, _) in after.items() if ppid in members} - members
                members |= more
                grew = bool(more)
            spent[name] = sum(
                after[pid][1] - (self.before[pid][1] if pid in self.before else 0.0) for pid in members if pid in after
            )
        spent[self.children] = self._children() - self.children_before
        spent["bench (clients, SMTP sink)"] = after[os.getpid()][1] - self.before[os.getpid()][1]
        total = sum(spent.values())
        parts = ", ".join(f"{name} {seconds / elapsed:.2f}" for name, seconds in spent.items())
        per_call = ", ".join(
            f"{name} {seconds * 1000 / calls:.2f} ms"
            for name, seconds in spent.items()
            if name in ("web", "PostgreSQL")
        )
        return (
            f"CPU during the load (cores busy, of {os.cpu_count()}): {parts}; total {total / elapsed:.2f}. "
            f"Per logged call: {per_call or 'no calls'}"
            if calls
            else f"CPU during the load: {parts}"
        )


def _in_window(second: int, faults: list[dict]) -> bool:
    return any(f["at"] - WINDOW_BEFORE <= second <= f.get("back", f["at"]) + WINDOW_AFTER for f in faults)


def summarise(
    args,
    *,
    slices,
    loaders,
    faults,
    freshness,
    probe_ids,
    batch_ids,
    sink,
    wall_start,
    port,
    cookie,
    files,
    connection,
    message,
    deliveries,
) -> list[str]:
    from django.core.management import CommandError, call_command

    per_second: dict[int, Counter] = {}
    edges: set[int] = set()  # each slice's first and last seconds are partial (wrk starting and stopping)
    for result in slices:
        mine = set()
        for key, n in result["per_second"].items():
            second, status = map(int, key.split(":"))
            per_second.setdefault(second, Counter())[status] += n
            mine.add(second)
        if mine:
            edges |= {min(mine), max(mine)}
    seconds = [s for s in sorted(per_second) if s not in edges] or sorted(per_second)
    clean = [s for s in seconds if not _in_window(s, faults)]
    created = [per_second[s][201] for s in clean]
    statuses, in_faults = Counter(), Counter()
    for second, row in per_second.items():
        for status, n in row.items():
            (in_faults if status >= 500 and _in_window(second, faults) else statuses)[status] += n
    clean_slices = [r for r in slices if not any(_in_window(int(key.split(":")[0]), faults) for key in r["per_second"])]
    p99_clean = max((r["p99_us"] for r in clean_slices), default=0) / 1000
    p99_median_slice = statistics.median([r["p99_us"] for r in clean_slices] or [0]) / 1000
    p99_all = max((r["p99_us"] for r in slices), default=0) / 1000
    socket_errors = sum(r["connect"] + r["read"] + r["write"] + r["timeout"] for r in slices)

    # Calls lost: every 201's id must be a row, every row of the run must have had its 201.
    answered = {i for r in slices for i in r["ids"]} | set(batch_ids) | set(probe_ids)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM tallies_calllog")
        stored = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT COUNT(*) FROM tallies_calllog WHERE campaign_id = (SELECT id FROM campaigns_campaign WHERE slug = %s)",
            [files["campaign"]],
        )
        campaign_rows = cursor.fetchone()[0]
    no_row = len(answered - stored)
    no_answer = len(stored - answered)

    out = StringIO()
    try:
        call_command("rollup_calls", stdout=out)
        call_command("verify_tallies", stdout=out)
        verified = "exact"
    except CommandError as exc:
        verified = f"DIFFERENT ({exc}; {out.getvalue()[-500:]})"
    client = Http(port)
    status, body = client.request("GET", f"/api/v1/campaigns/{files['campaign']}/tally/")
    total = json.loads(body).get("total") if status == 200 else None

    refused_limit = sum(r["refused_limit"] for r in slices)
    refused_constituent = sum(r["refused_constituent"] for r in slices)
    requests = sum(r["requests"] for r in slices)
    sent = deliveries.objects.filter(kind="call_now", status="sent").count()
    failed = deliveries.objects.filter(kind="call_now", status="failed").count()
    recovery = []
    for fault in faults:
        back = fault.get("back", fault["at"])
        good = next(
            (s for s in seconds if s >= back and per_second[s][201] and not any(k >= 500 for k in per_second[s])), None
        )
        recovery.append(f"{fault['what']}: {good - back:.0f} s" if good is not None else f"{fault['what']}: never")
    fresh = sorted(freshness)
    p50 = statistics.median(fresh) if fresh else float("nan")
    p95 = fresh[max(0, int(round(0.95 * len(fresh))) - 1)] if fresh else float("nan")
    widget = [s for s in loaders if s.name == "widget"][0].samples
    dashboard = [s for s in loaders if s.name == "dashboard"][0].samples

    def per_second(samples):
        times = [at for at, _, _ in samples]
        return (len(times) - 1) / (max(times) - min(times)) if len(times) > 1 else 0.0

    def p95_ms(samples):
        times = sorted(t for _, status, t in samples if status == 200)
        return times[max(0, int(round(0.95 * len(times))) - 1)] * 1000 if times else float("nan")

    goals = {
        ">= 1,000 calls/s median second": statistics.median(created) >= 1000 if created else False,
        "never below 500/s outside faults": min(created) >= 500 if created else False,
        "p99 <= 100 ms outside faults": p99_clean <= 100,
        "0 calls lost": no_row == 0 and no_answer == 0,
        "tallies exact": verified == "exact" and total == campaign_rows,
        "rollup freshness p95 <= 5 s": p95 <= 5,
        "every fault recovered within 10 s": all(
            r.endswith(" s") and int(r.split(": ")[1][:-2]) <= 10 for r in recovery
        ),
        # Judged at the SMTP server: each recipient got it, none twice (the ledger may still
        # show a chunk as "sending" if the database restarted between its send and its record).
        "every call-now email once": sink.duplicates() == 0
        and len(sink.recipients) == (message.recipients if message else -1),
    }
    return [
        f"duration: {args.duration} s, target {args.rate} calls/s ({offered_rate(args.rate)} requests/s offered), faults: {'none' if args.no_faults else ', '.join(f['what'] for f in faults)}",
        f"calls/s (outside fault windows): median second {statistics.median(created) if created else 0:.0f}, slowest second {min(created) if created else 0}",
        f"p99 latency: {p99_clean:.1f} ms outside fault windows, worst of {len(clean_slices)} slices (median slice "
        f"{p99_median_slice:.1f} ms; {p99_all:.1f} ms over the whole run)",
        f"answers by status: {dict(sorted(statuses.items()))}; 5xx inside fault windows: {dict(sorted(in_faults.items()))}; socket errors {socket_errors}",
        f"refused on purpose: constituent rule {refused_constituent}, per-office limit {refused_limit} (of {requests} requests, {100 * (refused_constituent + refused_limit) / max(1, requests):.2f}%)",
        f"calls lost: {no_row} answers 201 without a row, {no_answer} rows without a 201",
        f"tallies exact: verify_tallies {verified}; dashboard total {total} == COUNT(*) {campaign_rows}: {total == campaign_rows}",
        f"rollup freshness: p50 {p50:.2f} s, p95 {p95:.2f} s ({len(fresh)} probes)",
        f"dashboards p95 {p95_ms(dashboard):.1f} ms ({len(dashboard)} requests, {per_second(dashboard):.1f}/s of 20), "
        f"widget p95 {p95_ms(widget):.1f} ms ({len(widget)}, {per_second(widget):.1f}/s of 50)",
        f"emails: {message.recipients if message else 0} recipients; {sink.messages} received by the SMTP server, "
        f"{len(sink.recipients)} distinct, {sink.duplicates()} duplicates; ledger: {sent} sent, {failed} failed",
        "fault recovery: " + ("; ".join(recovery) if recovery else "no faults"),
        "goals: " + ", ".join(f"{name}: {'met' if ok else 'NOT met'}" for name, ok in goals.items()),
    ]


if __name__ == "__main__":
    main()
