"""Logging calls over HTTP: POST /api/v1/calls/ with token auth, on the production server and PostgreSQL.

    .venv/bin/python bench/api_calls.py                      # 60 s on each endpoint, then a 20 s pgbench baseline
    .venv/bin/python bench/api_calls.py --duration 20        # the issue's comparison
    .venv/bin/python bench/api_calls.py --duration 15 --profile var/profile   # cProfile in every worker, then the table

Needs Debian's `wrk` (`apt-get install -y wrk`) and PostgreSQL's `pgbench` on PATH.

The server is `python -m advocacy.webserver` (the production command, Granian; workers and
threads from the options below, by default the production ones) with bench/bench_settings.py: the production settings plus the
baseline endpoint of bench/drf_baseline.py, a plain DRF CreateAPIView on the same table. Both
endpoints are driven by the same wrk settings in the same run, one after the other.

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/adv_bench_api (created and migrated
if missing; its call log is emptied at each start). REDIS_URL (default redis://127.0.0.1:6379/8)
holds the API throttle counters and the rollup nudge, as in production. The server runs the
production settings (DEBUG off, Redis cache, persistent connections) over plain HTTP on a free
loopback port. Each request is a distinct call: its own Idempotency-Key, round-robin over
--users volunteers' tokens (enough that no one hits the 600/min calls throttle).

First a warm-up (--warmup, 10 s on each endpoint): every token's first sight in every worker
(a database read, then the token published in Redis for the other processes) and the process
caches' first fill, printed apart. Then the measured slices. Prints, for each endpoint, calls/s
(the median second and the slowest second of the steady state), p50/p95/p99 latency, errors
(anything but 201, socket errors, timeouts) and rows written against 201 answers; then the ratio of the two endpoints and the same run's database baseline:
raw single-row INSERTs/s by pgbench into a scratch table with as many clients as the server has
database connections. Goals: >= 1,000 calls/s median second, never below 500/s, p99 <= 50 ms,
0 errors, >= 2.5x the plain DRF endpoint; calls/s / INSERTs/s >= 0.10.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/adv_bench_api"
DEFAULT_REDIS = "redis://127.0.0.1:6379/8"

# One thread state per wrk thread. Counts 201s per wall-clock second and everything else as an
# error; done() gathers every thread's table and prints one JSON line for the Python side.
WRK_SCRIPT = r"""
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local body = os.getenv("BENCH_BODY")
local path = os.getenv("BENCH_PATH")
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  per_second = {}
  bad = {}
  n = 0
end

function request()
  n = n + 1
  local token = tokens[((n * 7 + tid * 131) % #tokens) + 1]
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Token " .. token,
    ["Idempotency-Key"] = string.format("bench-%d-%d-%d", os.time(), tid, n),
  }, body)
end

function response(status, headers, body)
  if status == 201 then
    local s = os.time()
    per_second[s] = (per_second[s] or 0) + 1
  else
    bad[status] = (bad[status] or 0) + 1
    if sample == nil then sample = string.sub(body or "", 1, 300) end
  end
end

function done(summary, latency, requests)
  local seconds, statuses = {}, {}
  for _, t in ipairs(threads) do
    for s, c in pairs(t:get("per_second")) do seconds[tostring(s)] = (seconds[tostring(s)] or 0) + c end
    for s, c in pairs(t:get("bad")) do statuses[tostring(s)] = (statuses[tostring(s)] or 0) + c end
  end
  local function obj(t)
    local parts = {}
    for k, v in pairs(t) do parts[#parts + 1] = string.format('"%s": %d', k, v) end
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  for _, t in ipairs(threads) do
    local s = t:get("sample")
    if s ~= nil then io.write("first error body: " .. s .. "\n") break end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d, "per_second": %s, "bad": %s}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.timeout, e.status, obj(seconds), obj(statuses)))
end
"""

PGBENCH_SCRIPT = (
    "INSERT INTO bench_insert_baseline (user_id, campaign_id, outcome, created_at) VALUES (1, 1, 'reached', now());\n"
)


BENCH_SETTINGS = "bench_settings"
BASELINE_PATH = "/bench/drf-calls/"
BARE_PATH = "/bench/bare-calls/"
# The issue's figure for the bare view on its quiet two-core machine: with the same-run ratio of the
# product to the bare view, it gives what the product would do there.
ISSUE_BARE_CALLS_PER_S = 1098
ISSUE_BARE_P99_MS = 28
PRODUCT_PATH = "/api/v1/calls/"


def server_env(url: str, redis_url: str, settings_module: str = BENCH_SETTINGS) -> dict:
    env = {
        **os.environ,
        # bench_settings and drf_baseline live next to this script.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "bench"), os.environ.get("PYTHONPATH", "")])),
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DJANGO_SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback; TLS ends at the proxy in production
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        # The load sends the same call over and over: lift the per-caller limits (3 calls a day per
        # office, and one calls-rate unit per batch item) so the benchmark measures logging, not
        # refusals. The checks themselves still run on every call.
        "CALLS_PER_OFFICE_PER_DAY": "1000000000",
        "API_THROTTLE_CALLS": "1000000000/min",
    }
    return env


def setup_django(url: str, redis_url: str) -> None:
    for key, value in server_env(url, redis_url).items():
        os.environ[key] = value
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    _create_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _create_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(n_users: int) -> tuple[list[str], dict]:
    """Volunteers of one chapter with fresh tokens, Missouri's officials and the demo campaign.

    Returns the token keys and the JSON body of a valid call (the demo call action, MO's AG).
    """
    from allauth.account.models import EmailAddress
    from django.db import connection, transaction

    from accounts.models import ApiToken, Chapter, Membership, User
    from accounts.services import api_token_create
    from campaigns.models import Action
    from campaigns.services import campaign_demo_create
    from officials.models import Office, OfficeRole
    from officials.services import officials_load_demo

    # The built-in Missouri set: quick, and the same on every machine whether or not ../shared/data exists.
    officials_load_demo(data_dir=ROOT / "var" / "bench-no-public-data")
    with transaction.atomic():
        chapter, _ = Chapter.objects.get_or_create(
            slug="bench-callers", defaults={"name": "Bench Callers", "state": "MO"}
        )
        emails = [f"bench-{i:05d}@example.org" for i in range(n_users)]
        existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        User.objects.bulk_create(
            [User(email=e, name=f"Bench {e[6:11]}", zip_code="65101", state="MO") for e in emails if e not in existing]
        )
        users = list(User.objects.filter(email__in=emails))
        # Verified addresses, as a real volunteer's: a token of an unverified user is refused.
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users], ignore_conflicts=True
        )
        EmailAddress.objects.filter(user__in=users).update(verified=True)
        Membership.objects.bulk_create(
            [Membership(user=u, chapter=chapter, role=Membership.Role.MEMBER) for u in users], ignore_conflicts=True
        )
        ApiToken.objects.filter(user__in=users).delete()
        keys = [api_token_create(user=u, name="bench")[1] for u in users]
        campaign = campaign_demo_create()
        action = Action.objects.get(campaign=campaign, kind=Action.Kind.CALL)
        office = Office.objects.get(
            role=OfficeRole.ATTORNEY_GENERAL, division__ocd_id="ocd-division/country:us/state:mo"
        )
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE tallies_calllog CASCADE")
    body = {"campaign": campaign.slug, "action": action.pk, "office": office.pk, "outcome": "reached", "note": ""}
    return keys, body


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_shape(args) -> None:
    """Workers and threads not given on the command line: the production server's own defaults."""
    sys.path.insert(0, str(ROOT))
    from advocacy.webserver import server_options

    defaults = server_options({})
    args.workers = args.workers or defaults["workers"]
    args.threads = args.threads or defaults["blocking_threads"]


def start_server(
    *, env: dict, port: int, workers: int, threads: int, log_path: Path, profile_dir: Path | None = None
) -> subprocess.Popen:
    """The production command (advocacy/webserver.py), on a free loopback port."""
    cmd = [sys.executable, "-m", "advocacy.webserver"]
    env = {**env, "WEB_BIND": f"127.0.0.1:{port}", "WEB_WORKERS": str(workers), "WEB_THREADS": str(threads)}
    if profile_dir is not None:
        env = {**env, "WEB_WSGI_TARGET": "profiled_wsgi:application", "BENCH_PROFILE_DIR": str(profile_dir)}
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server exited:\n{log_path.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/me/", timeout=2)
        except urllib.error.HTTPError:
            return proc  # 401/403: Django answers
        except OSError:
            time.sleep(0.2)
            continue
        return proc
    stop(proc)
    sys.exit("the server did not start in 30 s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def run_wrk(
    *, port: int, path: str, duration: int, connections: int, threads: int, tokens: Path, body: dict, lua: Path
) -> dict:
    env = {**os.environ, "BENCH_TOKENS": str(tokens), "BENCH_BODY": json.dumps(body), "BENCH_PATH": path}
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout=5s",
        f"-s{lua}",
        f"http://127.0.0.1:{port}",
    ]
    print("$", " ".join(cmd), flush=True)
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=duration + 60, check=False)
    for ln in out.stdout.splitlines():
        if ln.startswith("first error body: "):
            print(ln)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        sys.exit(f"wrk failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return json.loads(line.removeprefix("BENCH_JSON "))


def run_pgbench(*, url: str, clients: int, jobs: int, duration: int, script: Path) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_insert_baseline")
        conn.execute(
            "CREATE TABLE bench_insert_baseline (id bigserial PRIMARY KEY, user_id bigint NOT NULL, "
            "campaign_id bigint NOT NULL, outcome varchar(20) NOT NULL, created_at timestamptz NOT NULL)"
        )
    cmd = ["pgbench", "-n", "-M", "prepared", f"-c{clients}", f"-j{jobs}", f"-T{duration}", f"-f{script}", url]
    print("$", " ".join(cmd), flush=True)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=False)
    tps = next((ln for ln in out.stdout.splitlines() if ln.startswith("tps = ")), None)
    if out.returncode != 0 or tps is None:
        sys.exit(f"pgbench failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE bench_insert_baseline")
    return float(tps.split()[2])


def merge(results: list[dict]) -> dict:
    """One endpoint's wrk slices as one result: steady seconds of every slice, the worst slice's tail latency."""
    steady, calls, bad = [], 0, {}
    for result in results:
        seconds = sorted((int(s), n) for s, n in result["per_second"].items())
        # The first and last seconds of a slice are partial (wrk starts and stops mid-second).
        steady += [n for _, n in seconds[1:-1]] or [n for _, n in seconds]
        calls += sum(n for _, n in seconds)
        for status, n in result["bad"].items():
            bad[status] = bad.get(status, 0) + n
    return {
        "steady": steady,
        "calls": calls,
        "duration_us": sum(r["duration_us"] for r in results),
        "p50_us": statistics.median(r["p50_us"] for r in results),
        **{key: max(r[key] for r in results) for key in ("p95_us", "p99_us", "max_us")},
        **{key: sum(r[key] for r in results) for key in ("connect", "read", "write", "timeout")},
        "bad": bad,
    }


def report(result: dict) -> dict:
    steady = result["steady"]
    ok = result["calls"]
    socket_errors = result["connect"] + result["read"] + result["write"] + result["timeout"]
    bad = sum(result["bad"].values())
    figures = {
        "calls": ok,
        "mean_per_s": ok / (result["duration_us"] / 1e6),
        "median_per_s": statistics.median(steady),
        "min_per_s": min(steady),
        "p50_ms": result["p50_us"] / 1000,
        "p95_ms": result["p95_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "max_ms": result["max_us"] / 1000,
        "errors": bad + socket_errors,
    }
    print(f"calls logged: {ok} in {result['duration_us'] / 1e6:.1f} s (201 Created)")
    print(
        f"calls/s: median second {figures['median_per_s']:.0f}, slowest second {figures['min_per_s']}, "
        f"mean {figures['mean_per_s']:.0f} ({len(steady)} steady seconds)"
    )
    print(
        f"latency: p50 {figures['p50_ms']:.1f} ms (median of slices), p95 {figures['p95_ms']:.1f} ms, "
        f"p99 {figures['p99_ms']:.1f} ms, max {figures['max_ms']:.1f} ms (worst slice)"
    )
    print(
        f"errors: {figures['errors']} (non-201 by status: {result['bad'] or '{}'}; connect {result['connect']}, "
        f"read {result['read']}, write {result['write']}, timeout {result['timeout']})"
    )
    return figures


def count_rows(url: str) -> int:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM tallies_calllog").fetchone()[0]


def server_cpu_seconds(master_pid: int) -> float:
    """User + system CPU of the server's worker processes so far (Linux /proc): the server's own cost, whatever the load."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    for pid in children.read_text().split() if children.exists() else []:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def database_cpu_by_process() -> dict[int, float]:
    """User + system CPU so far of each of this machine's PostgreSQL processes (empty when it runs elsewhere)."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, _, rest = text.partition("(")[2].rpartition(")")
        if name.startswith("postgres"):
            fields = rest.split()
            seconds[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / ticks
    return seconds


def database_cpu_since(before: dict[int, float]) -> float:
    """CPU the PostgreSQL processes used since `before` (a backend started meanwhile counts from zero)."""
    return sum(now - before.get(pid, 0.0) for pid, now in database_cpu_by_process().items())


def drive(
    endpoints: dict,
    *,
    port: int,
    url: str,
    args,
    tokens: Path,
    lua: Path,
    server_pid: int,
    duration: int | None = None,
    rounds: int | None = None,
) -> dict:
    """Drive the endpoints with the same wrk settings in interleaved slices (A B B A ...), so that a
    change in the machine's load during the run weighs on both alike; prints each one's figures and
    checks the rows written against its 201 answers."""
    duration = duration or args.duration
    rounds = rounds or args.rounds
    names = list(endpoints)
    order = []
    for r in range(rounds):
        order += names if r % 2 == 0 else names[::-1]
    slice_seconds = max(3, duration // rounds)
    slices = {name: [] for name in names}
    rows = dict.fromkeys(names, 0)
    cpu = dict.fromkeys(names, 0.0)
    db_cpu = dict.fromkeys(names, 0.0)
    for name in order:
        path, body = endpoints[name]
        before = count_rows(url)
        cpu_before = server_cpu_seconds(server_pid)
        db_cpu_before = database_cpu_by_process()
        slices[name].append(
            run_wrk(
                port=port,
                path=path,
                duration=slice_seconds,
                connections=args.connections,
                threads=args.wrk_threads,
                tokens=tokens,
                body=body,
                lua=lua,
            )
        )
        time.sleep(1)  # the requests wrk left in flight finish
        rows[name] += count_rows(url) - before
        cpu[name] += server_cpu_seconds(server_pid) - cpu_before
        db_cpu[name] += database_cpu_since(db_cpu_before)
    figures = {}
    for name in names:
        print(f"--- {name}: POST {endpoints[name][0]} ({len(slices[name])} slices of {slice_seconds} s)")
        figures[name] = report(merge(slices[name]))
        # wrk stops with up to --connections requests in flight per slice; the server still logs those.
        in_flight = rows[name] - figures[name]["calls"]
        figures[name]["consistent"] = 0 <= in_flight <= args.connections * len(slices[name])
        print(
            f"rows written: {rows[name]} ({in_flight} answered after wrk stopped; "
            f"{'no call lost' if figures[name]['consistent'] else 'INCONSISTENT'})"
        )
        figures[name]["cpu_ms"] = cpu[name] * 1000 / max(rows[name], 1)
        print(f"server CPU per call (server workers, user + system): {figures[name]['cpu_ms']:.2f} ms")
        figures[name]["db_cpu_ms"] = db_cpu[name] * 1000 / max(rows[name], 1)
        print(f"database CPU per call (PostgreSQL processes on this machine): {figures[name]['db_cpu_ms']:.2f} ms")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load on each endpoint (default 60)")
    parser.add_argument(
        "--rounds", type=int, default=2, help="slices per endpoint, interleaved A B B A ... (default 2)"
    )
    parser.add_argument("--baseline-duration", type=int, default=20, help="seconds of pgbench (default 20)")
    parser.add_argument("--users", type=int, default=1000, help="volunteers whose tokens the load rotates over")
    parser.add_argument(
        "--warmup",
        type=int,
        default=10,
        help="seconds of load on each endpoint before the measured slices, reported apart (default 10; 0: none)",
    )
    parser.add_argument("--workers", type=int, help="server worker processes (default: production's)")
    parser.add_argument("--threads", type=int, help="Python threads per server worker (default: production's)")
    parser.add_argument("--connections", type=int, default=16, help="wrk keep-alive connections")
    parser.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (one leaves a core for the server)")
    parser.add_argument("--no-baseline", action="store_true", help="skip pgbench")
    parser.add_argument("--no-drf", action="store_true", help="skip the plain DRF endpoint")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare Django view")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="profile every request with cProfile (bench/profiled_wsgi.py) and print the table; "
        "figures of a profiled run are slower than real ones",
    )
    parser.add_argument("--settings", default=BENCH_SETTINGS, help="the server's settings module")
    args = parser.parse_args()
    production_shape(args)

    for tool in ("wrk", "pgbench"):
        if shutil.which(tool) is None:
            hint = "apt-get install -y wrk (Debian's package)" if tool == "wrk" else "install PostgreSQL's client tools"
            sys.exit(f"bench/api_calls.py needs `{tool}` on PATH: {hint}")
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        sys.exit("bench/api_calls.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    setup_django(url, redis_url)
    keys, body = seed(args.users)
    from campaigns.models import Campaign

    baseline_body = {**body, "campaign": Campaign.objects.get(slug=body["campaign"]).pk}
    profile_dir = None
    if args.profile:
        profile_dir = args.profile.resolve()
        shutil.rmtree(profile_dir, ignore_errors=True)
        profile_dir.mkdir(parents=True)

    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        tmp_path = Path(tmp)
        tokens = tmp_path / "tokens.txt"
        tokens.write_text("\n".join(keys) + "\n")
        lua = tmp_path / "calls.lua"
        lua.write_text(WRK_SCRIPT)
        port = free_port()
        print(
            f"server: python -m advocacy.webserver (Granian, WSGI), {args.workers} workers x {args.threads} threads, "
            f"settings {args.settings}, 127.0.0.1:{port}; database {url.rpartition('/')[2]}; "
            f"{len(keys)} tokens; wrk {args.wrk_threads} thread(s), {args.connections} connections, "
            f"{args.duration} s per endpoint",
            flush=True,
        )
        print(f"load average before (1/5/15 min): {'/'.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
        server = start_server(
            env=server_env(url, redis_url, args.settings),
            port=port,
            workers=args.workers,
            threads=args.threads,
            log_path=tmp_path / "server.log",
            profile_dir=profile_dir,
        )
        drf = bare = None
        try:
            endpoints = {"the product": (PRODUCT_PATH, body)}
            if not args.no_drf and not args.profile:
                endpoints["plain DRF CreateAPIView (baseline)"] = (BASELINE_PATH, baseline_body)
            if not args.no_bare and not args.profile:
                endpoints["bare Django view (ceiling)"] = (BARE_PATH, baseline_body)
            warm_up = {}
            if args.warmup:
                # Every token's first sight in every worker (a database read, the token published in
                # Redis) and the process caches' first fill: the cost of the first minutes of a call
                # day, reported apart from the steady state that the goals are about.
                print(f"=== warm-up: {args.warmup} s on each endpoint, every token's first sights", flush=True)
                warm_up = drive(
                    endpoints,
                    port=port,
                    url=url,
                    args=args,
                    tokens=tokens,
                    lua=lua,
                    server_pid=server.pid,
                    duration=args.warmup,
                    rounds=1,
                )
                print("=== the steady state", flush=True)
            figures = drive(endpoints, port=port, url=url, args=args, tokens=tokens, lua=lua, server_pid=server.pid)
            product = figures["the product"]
            drf = figures.get("plain DRF CreateAPIView (baseline)")
            bare = figures.get("bare Django view (ceiling)")
        finally:
            stop(server)
            server_log = (tmp_path / "server.log").read_text()
        print(
            f"load average after the run (1/5/15 min, {os.cpu_count()} CPUs): "
            f"{'/'.join(f'{x:.1f}' for x in os.getloadavg())}"
        )
        if "Traceback" in server_log or "ERROR" in server_log:
            print("server log (tail):\n" + server_log[-2000:])

        print("--- summary")
        if warm_up:
            cold = warm_up["the product"]
            print(
                f"warm-up (first sights): product {cold['median_per_s']:.0f} calls/s, slowest second "
                f"{cold['min_per_s']}, p99 {cold['p99_ms']:.1f} ms, errors {cold['errors']}, "
                f"{'no call lost' if cold['consistent'] else 'CALLS LOST'}"
            )
        if drf is not None:
            print(
                f"product {product['median_per_s']:.0f} calls/s (p99 {product['p99_ms']:.1f} ms), plain DRF "
                f"{drf['median_per_s']:.0f} calls/s (p99 {drf['p99_ms']:.1f} ms): "
                f"ratio {product['median_per_s'] / drf['median_per_s']:.2f} (goal >= 2.5)"
            )
            print(
                f"server CPU per call: product {product['cpu_ms']:.2f} ms, plain DRF {drf['cpu_ms']:.2f} ms: "
                f"the product does {drf['cpu_ms'] / product['cpu_ms']:.2f}x the calls per CPU second"
            )
        if bare is not None:
            ratio = product["median_per_s"] / bare["median_per_s"]
            print(
                f"product {product['median_per_s']:.0f} calls/s, bare Django view {bare['median_per_s']:.0f} calls/s: "
                f"ratio {ratio:.2f}; server CPU per call {product['cpu_ms']:.2f} ms vs {bare['cpu_ms']:.2f} ms"
            )
            print(
                f"at the issue's bare-view figure ({ISSUE_BARE_CALLS_PER_S:,} calls/s on a quiet two-core box) "
                f"that ratio is {ratio * ISSUE_BARE_CALLS_PER_S:,.0f} calls/s for the product"
            )
            tail = product["p99_ms"] / bare["p99_ms"]
            print(
                f"p99: product {product['p99_ms']:.1f} ms, bare Django view {bare['p99_ms']:.1f} ms: ratio {tail:.2f} "
                f"(x the issue's {ISSUE_BARE_P99_MS} ms for the bare view: {tail * ISSUE_BARE_P99_MS:.0f} ms)"
            )
        if not args.no_baseline and not args.profile:
            script = tmp_path / "insert.sql"
            script.write_text(PGBENCH_SCRIPT)
            clients = args.workers * args.threads
            tps = run_pgbench(
                url=url, clients=clients, jobs=min(clients, 2), duration=args.baseline_duration, script=script
            )
            print(f"baseline: pgbench single-row INSERTs/s, {clients} clients: {tps:.0f}")
            print(f"ratio: calls/s (median second) / INSERTs/s = {product['median_per_s'] / tps:.3f} (goal >= 0.10)")
            if drf is not None:
                print(f"ratio: plain DRF calls/s / INSERTs/s = {drf['median_per_s'] / tps:.3f}")
        goal = (
            product["median_per_s"] >= 1000
            and product["min_per_s"] >= 500
            and product["p99_ms"] <= 50
            and product["errors"] == 0
            and product["consistent"]
            and all(f["errors"] == 0 and f["consistent"] for f in warm_up.values())
        )
        print(
            "goal (steady state >= 1,000/s, never below 500/s, p99 <= 50 ms; 0 errors and rows == 201s "
            "throughout): "
            f"{'met' if goal else 'NOT met'}"
        )
    if profile_dir is not None:
        import profile_table

        profile_table.main([str(profile_dir)])


if __name__ == "__main__":
    main()
