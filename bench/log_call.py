"""Logging one call in-process: the CPU that tallies.services.call_log_create costs this process and PostgreSQL.

    .venv/bin/python bench/log_call.py                 # 5 rounds of 2,000 calls
    .venv/bin/python bench/log_call.py --rounds 7 --calls 5000

No HTTP server and no token: what is left is the call's Python (the rules, the statement's
parameters, psycopg, the rollup nudge to Redis after each commit) and its statement in
PostgreSQL, measured apart. The figures
are this process's CPU (time.process_time) and its PostgreSQL backend's (from /proc, so the
database must run on this machine), per call, for each round and their medians; the wall time
per call is beside them. Each call is one of the seed's volunteers (round-robin) calling their
Attorney General (Missouri's officials, the demo campaign: bench/api_calls.py's database and
seed), as the API logs it: no transaction of its own, each caller's per-office limit counted
over their own calls.

To compare two versions of the code, run the same file at each (copy it into the other
checkout if it is not there), alternating, and compare the medians.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_calls  # noqa: E402 (the sibling benchmark's database, setup and seed)


def backend_cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=2000, help="calls per round")
    parser.add_argument("--users", type=int, default=500, help="volunteers, round-robin")
    parser.add_argument("--url", default=os.environ.get("DATABASE_URL", api_calls.DEFAULT_URL))
    args = parser.parse_args()
    api_calls.setup_django(args.url, os.environ.get("REDIS_URL") or api_calls.DEFAULT_REDIS)
    keys, body = api_calls.seed(args.users)

    from django.conf import settings
    from django.db import connection

    from accounts.models import User
    from campaigns.models import Action, Campaign
    from officials.models import Office
    from tallies.models import Source
    from tallies.services import call_log_create

    settings.CALLS_PER_OFFICE_PER_DAY = 10**6  # every call is written: the limit is counted, never reached
    campaign = Campaign.objects.get(slug=body["campaign"])
    action = Action.objects.get(pk=body["action"])
    office = Office.objects.get(pk=body["office"])
    users = list(User.objects.filter(email__startswith="bench-").order_by("pk")[: args.users])
    calls = 0

    def log(n: int) -> None:
        nonlocal calls
        for _ in range(n):
            user = users[calls % len(users)]
            calls += 1
            call_log_create(
                user=user, campaign=campaign, action=action, office=office, outcome="reached", source=Source.API
            )

    log(len(users))  # warm: imports, the connection, the prepared statement and plans
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    rounds = []
    for _ in range(args.rounds):
        client, server, wall = time.process_time(), backend_cpu_seconds(backend), time.perf_counter()
        log(args.calls)
        rounds.append(
            tuple(
                1e6 * (end - start) / args.calls
                for start, end in (
                    (client, time.process_time()),
                    (server, backend_cpu_seconds(backend)),
                    (wall, time.perf_counter()),
                )
            )
        )
    print(f"{args.rounds} rounds of {args.calls} calls, {len(users)} callers; microseconds per call:")
    print("round | this process CPU | PostgreSQL backend CPU | wall")
    for i, (client, server, wall) in enumerate(rounds, start=1):
        print(f"{i} | {client:.0f} | {server:.0f} | {wall:.0f}")
    medians = [statistics.median(r[i] for r in rounds) for i in range(3)]
    print("median | {:.0f} | {:.0f} | {:.0f}".format(*medians))


if __name__ == "__main__":
    main()
