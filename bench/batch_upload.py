"""Batch upload of offline calls over HTTP: POST /api/v1/calls/batch/ on the production server and PostgreSQL.

    .venv/bin/python bench/batch_upload.py                        # 50 batches of 1,000, 2 clients
    .venv/bin/python bench/batch_upload.py --batches 100 --size 1000 --clients 4 --workers 2

The server is the production command, `python -m advocacy.webserver`. Uses bench/api_calls.py's
database (DATABASE_URL, default .../adv_bench_api), seed (a chapter's volunteers, Missouri's
officials, the demo campaign), and server (Granian, production settings, Redis cache). Each batch is one volunteer's `size` distinct calls with fresh
idempotency keys; --clients Python threads send them over keep-alive connections.

Prints calls/s (all calls of all batches over the wall time), per-batch latency (p50/p95/max),
errors (any non-200 or any item not "created"), the rows the table gained, and the same run's
baseline: the same number of rows written by raw multi-row INSERTs (one 13-column unnest INSERT
per batch, psycopg, no Django) into a scratch copy of tallies_calllog. Goal:
>= 20,000 calls/s.
"""

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_calls  # noqa: E402 (the sibling benchmark's setup, seed and server helpers)


def make_batches(*, n: int, size: int, body: dict, keys: list[str]) -> list[tuple[str, bytes]]:
    run = uuid.uuid4().hex[:8]
    batches = []
    for b in range(n):
        calls = [
            {**body, "idempotency_key": f"batch-{run}-{b}-{i}", "client_timestamp": "2017-03-01T14:30:00Z"}
            for i in range(size)
        ]
        batches.append((keys[b % len(keys)], json.dumps({"calls": calls}).encode()))
    return batches


def send_all(*, port: int, batches: list, clients: int) -> tuple[float, list[float], list[str]]:
    queue = list(reversed(batches))
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                token, payload = queue.pop()
            start = time.perf_counter()
            conn.request(
                "POST",
                "/api/v1/calls/batch/",
                body=payload,
                headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
            )
            response = conn.getresponse()
            data = response.read()
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    errors.append(f"HTTP {response.status}: {data[:200]!r}")
                else:
                    result = json.loads(data)
                    if result["errors"] or result["duplicates"]:
                        errors.append(f"{result['errors']} errors, {result['duplicates']} duplicates")
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies, errors


def raw_insert_baseline(*, url: str, batches: int, size: int) -> float:
    """Rows/s for the same rows by plain psycopg: one unnest INSERT per batch, one commit each."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_batch_baseline")
        conn.execute("CREATE TABLE bench_batch_baseline (LIKE tallies_calllog INCLUDING ALL)")
        user_id, campaign_id, action_id, office_id = conn.execute(
            "SELECT u.id, a.campaign_id, a.id, o.id FROM accounts_user u, campaigns_action a, officials_office o "
            "LIMIT 1"
        ).fetchone()
        sql = (
            "INSERT INTO bench_batch_baseline (user_id, campaign_id, action_id, office_id, person_id, outcome, "
            "chapter_id, source, idempotency_key, request_hash, client_timestamp, created_at, note) "
            "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], "
            "%s::text[], %s::bigint[], %s::text[], %s::text[], %s::text[], %s::timestamptz[], "
            "%s::timestamptz[], %s::text[]) "
            "ON CONFLICT (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING "
            "RETURNING idempotency_key, id"
        )
        start = time.perf_counter()
        for b in range(batches):
            now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            cols = [
                [user_id] * size,
                [campaign_id] * size,
                [action_id] * size,
                [office_id] * size,
                [None] * size,
                ["reached"] * size,
                [None] * size,
                ["batch"] * size,
                [f"base-{b}-{i}" for i in range(size)],
                ["0" * 64] * size,
                ["2017-03-01T14:30:00Z"] * size,
                [now] * size,
                [""] * size,
            ]
            conn.execute(sql, cols).fetchall()
        elapsed = time.perf_counter() - start
        conn.execute("DROP TABLE bench_batch_baseline")
    return batches * size / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", type=int, default=50)
    parser.add_argument("--size", type=int, default=1000, help="calls per batch (the endpoint takes up to 1,000)")
    parser.add_argument("--clients", type=int, default=2, help="concurrent HTTP clients")
    parser.add_argument("--workers", type=int, help="server worker processes (default: production's)")
    parser.add_argument("--threads", type=int, help="Python threads per server worker (default: production's)")
    parser.add_argument("--users", type=int, default=50, help="volunteers whose tokens the batches rotate over")
    parser.add_argument("--profile", type=Path, metavar="DIR", help="cProfile every request (slower), then the table")
    args = parser.parse_args()
    api_calls.production_shape(args)
    if args.profile:
        import shutil

        args.profile = args.profile.resolve()
        shutil.rmtree(args.profile, ignore_errors=True)
        args.profile.mkdir(parents=True)

    url = os.environ.get("DATABASE_URL") or api_calls.DEFAULT_URL
    if not url.startswith("postgres"):
        sys.exit("bench/batch_upload.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    redis_url = os.environ.get("REDIS_URL") or api_calls.DEFAULT_REDIS
    api_calls.setup_django(url, redis_url)
    keys, body = api_calls.seed(args.users)
    warmup = make_batches(n=2, size=args.size, body=body, keys=keys)
    batches = make_batches(n=args.batches, size=args.size, body=body, keys=keys)

    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        log_path = Path(tmp) / "server.log"
        port = api_calls.free_port()
        print(
            f"server: python -m advocacy.webserver (Granian), {args.workers} workers x {args.threads} threads, "
            f"bench settings (production + the DRF baseline URL), 127.0.0.1:{port}; database {url.rpartition('/')[2]}; "
            f"{args.batches} batches x {args.size} calls, {args.clients} clients over HTTP keep-alive",
            flush=True,
        )
        print(f"load average before (1/5/15 min): {'/'.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
        server = api_calls.start_server(
            env=api_calls.server_env(url, redis_url),
            port=port,
            workers=args.workers,
            threads=args.threads,
            log_path=log_path,
            profile_dir=args.profile,
        )
        try:
            send_all(port=port, batches=warmup, clients=args.clients)  # imports, connections, prepared plans
            before = api_calls.count_rows(url)
            cpu_before = api_calls.server_cpu_seconds(server.pid)
            wall, latencies, errors = send_all(port=port, batches=batches, clients=args.clients)
            cpu = api_calls.server_cpu_seconds(server.pid) - cpu_before
            after = api_calls.count_rows(url)
        finally:
            api_calls.stop(server)
        server_log = log_path.read_text()

    calls = args.batches * args.size
    rate = calls / wall
    latencies.sort()
    print(f"calls: {calls} in {wall:.2f} s over HTTP = {rate:,.0f} calls/s")
    print(
        f"per batch: p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
    )
    print(f"errors: {len(errors)}{' ' + '; '.join(errors[:3]) if errors else ''}")
    print(
        f"server CPU (server workers, user + system): {cpu * 1000 / args.batches:.0f} ms per batch, "
        f"{cpu * 1e6 / calls:.0f} us per call: {calls / cpu:,.0f} calls per CPU second"
    )
    print(
        f"rows added to tallies_calllog: {after - before} ({'consistent' if after - before == calls else 'INCONSISTENT'})"
    )
    print(f"load average after (1/5/15 min, {os.cpu_count()} CPUs): {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")
    if "Traceback" in server_log or "ERROR" in server_log:
        print("server log (tail):\n" + server_log[-2000:])
    baseline = raw_insert_baseline(url=url, batches=args.batches, size=args.size)
    print(f"baseline: raw unnest INSERTs of {args.size} rows by psycopg, one connection: {baseline:,.0f} rows/s")
    print(f"ratio: calls/s / raw rows/s = {rate / baseline:.3f}")
    print(f"goal (>= 20,000 calls/s): {'met' if rate >= 20000 and not errors else 'NOT met'}")
    if args.profile:
        import profile_table

        profile_table.main([str(args.profile)])


if __name__ == "__main__":
    main()
