"""Where the time of a logged call goes: the table in bench/README.md, from the server's cProfile files.

    .venv/bin/python bench/profile_table.py var/profile      # files written by bench/profiled_wsgi.py

Sums every worker thread's profile and prints, per request (the number of WSGI calls), the
cumulative CPU milliseconds (bench/profiled_wsgi.py profiles in thread CPU time, so waiting on the
network or for a core does not count) of each stage that appears in the profile, the SQL statements and Redis
round trips per request, and the functions with the most own time. cProfile roughly doubles the
cost of Python function calls, so compare the shares, not the absolute figures, with a real run.
"""

import pstats
import sys
from pathlib import Path

# (label, path fragment, function name): cumulative time of that function per request.
STAGES = [
    ("whole request (Django's WSGI handler)", "django/core/handlers/wsgi.py", "__call__"),
    ("  middleware chain + URL routing + view", "django/core/handlers/base.py", "get_response"),
    ("  CallFastPathMiddleware (all of it when it answers)", "tallies/api/fast_path.py", "__call__"),
    ("    token (Redis entry; the database on first sight)", "tallies/api/fast_path.py", "_authenticate"),
    ("    Redis round trip: calls rate, token entry, generations", "tallies/api/fast_path.py", "_redis_round_trip"),
    ("    JSON body parse + field checks", "tallies/api/fast_path.py", "_parse"),
    ("    campaign/action/office from the cache", "tallies/api/fast_path_caches.py", "cached_targets"),
    ("    response JSON", "tallies/api/fast_path.py", "_render"),
    ("  DRF view dispatch", "rest_framework/views.py", "dispatch"),
    ("    authentication (token query)", "rest_framework/request.py", "_authenticate"),
    ("    throttles (Redis)", "rest_framework/views.py", "check_throttles"),
    ("    permissions", "rest_framework/views.py", "check_permissions"),
    ("    body parsing", "rest_framework/request.py", "_parse"),
    ("    input validation (serializer)", "rest_framework/serializers.py", "is_valid"),
    ("    response serializer (.data)", "rest_framework/serializers.py", "data"),
    ("    rendering (JSONRenderer)", "rest_framework/response.py", "rendered_content"),
    ("call_log_create (rules + INSERT)", "tallies/services/calls.py", "call_log_create"),
    ("call_log_create_batch (rules + INSERT)", "tallies/services/batch.py", "call_log_create_batch"),
    ("  items parsed (parse_batch_item)", "tallies/call_input.py", "parse_batch_item"),
    ("  the multi-row INSERT", "tallies/sql/writes.py", "calls_insert_many"),
    ("  the rules (call_rule_violation)", "tallies/services/rules.py", "call_rule_violation"),
    ("  the caller's officials", "officials/selectors.py", "office_ids_for_caller"),
    ("  the INSERT statement", "tallies/services/calls.py", "_insert_one_returning"),
    ("    psycopg: send, wait for PostgreSQL, read", "psycopg/cursor.py", "execute"),
    ("SQL: every statement (Django cursor)", "django/db/backends/utils.py", "execute"),
    ("Redis: every command", "redis/client.py", "execute_command"),
    ("Redis: every pipeline", "redis/client.py", "execute"),
    ("Redis: every script (EVALSHA)", "advocacy/cache.py", "redis_script"),
]


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    directory = Path(argv[0] if argv else "var/profile")
    files = sorted(str(p) for p in directory.glob("*.prof"))
    if not files:
        sys.exit(f"no .prof files in {directory}")
    stats = pstats.Stats(files[0])
    for f in files[1:]:
        stats.add(f)
    table = stats.stats  # {(file, line, func): (primitive calls, calls, tottime, cumtime, callers)}

    def find(fragment, name):
        rows = [v for (f, _, fn), v in table.items() if fragment in f and fn == name]
        if not rows:
            return None
        return sum(r[1] for r in rows), sum(r[0] for r in rows), max(r[3] for r in rows)

    requests = find("django/core/handlers/wsgi.py", "__call__")
    if requests is None:
        sys.exit("no Django request in the profile")
    n = requests[0]
    total = requests[2]
    print(f"profile: {len(files)} worker threads, {n} requests")
    print("| stage | CPU ms per request | share | calls per request |")
    print("| --- | --- | --- | --- |")
    for label, fragment, name in STAGES:
        found = find(fragment, name)
        if found is None:
            continue
        calls, _, cumtime = found
        print(
            f"| {label} | {cumtime / n * 1000:.3f} | {cumtime / total:.0%} | {calls / n:.2f} |".replace(
                "|   ", "| &nbsp;&nbsp;"
            )
        )
    print("\nmost own time (tottime per request):")
    top = sorted(table.items(), key=lambda item: item[1][2], reverse=True)[:15]
    for (f, line, fn), (_, calls, tottime, _, _) in top:
        short = "/".join(Path(f).parts[-2:])
        print(f"  {tottime / n * 1000:7.3f} ms  {calls / n:6.2f}x  {short}:{line} {fn}")


if __name__ == "__main__":
    main()
