"""ZIP lookup latency: officials_for_zip over 10,000 real ZIPs on PostgreSQL.

    .venv/bin/python bench/lookup.py                 # seeds the data if needed, then times
    .venv/bin/python bench/lookup.py --n 2000 --seed 7

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/adv_bench_lookup (created and
migrated if missing). The public data in ../shared/data (OFFICIALS_DATA_DIR) is imported
through the same importers as `make run`; a second run finds nothing to change.

Prints p50/p95/p99 of one full lookup (ZIP rows, offices, current holders, contact points),
the queries per lookup, and two baselines measured in the same run on the same ZIPs: a
`SELECT 1` round trip and the single indexed ZipDivision query. The goal is p95 <= 10 ms.
"""

import argparse
import csv
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/adv_bench_lookup"


def _create_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> str:
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    # The lookup cache uses Django's cache: Redis when REDIS_URL is set (as in production),
    # else the file cache of `make run`.
    sys.path.insert(0, str(ROOT))
    if not url.startswith("postgres"):
        sys.exit("bench/lookup.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    _create_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def timed(fn, zips) -> list[float]:
    out = []
    for z in zips:
        started = time.perf_counter()
        fn(z)
        out.append((time.perf_counter() - started) * 1000)
    return out


def line(name: str, ms: list[float]) -> str:
    return (
        f"{name:<34} p50 {percentile(ms, 50):7.3f} ms   p95 {percentile(ms, 95):7.3f} ms   "
        f"p99 {percentile(ms, 99):7.3f} ms   mean {statistics.fmean(ms):7.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="ZIPs to look up (default 10,000)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    url = setup_django()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from officials.models import ZipDivision
    from officials.selectors import officials_for_zip
    from officials.services import officials_import_all

    data_dir = Path(settings.OFFICIALS_DATA_DIR)
    started = time.monotonic()
    results = officials_import_all(data_dir=data_dir)
    print(f"database: {url.rsplit('@', 1)[-1]}")
    print(f"seed: {', '.join(r.summary() for r in results)} ({time.monotonic() - started:.1f}s)")

    with open(data_dir / "zip-districts" / "zccd.csv", newline="") as f:
        all_zips = sorted({row["zcta"] for row in csv.DictReader(f)})
    rng = random.Random(args.seed)
    zips = rng.sample(all_zips, min(args.n, len(all_zips)))
    split = sum(1 for z in zips if ZipDivision.objects.filter(zcta=z).count() > 1) if args.n <= 20_000 else 0
    print(f"ZIPs: {len(zips)} sampled from {len(all_zips)} in zccd.csv ({split} split across districts)")

    def lookup(z):
        return officials_for_zip(zip_code=z)

    def lookup_uncached(z):
        return officials_for_zip(zip_code=z, use_cache=False)

    def zip_rows(z):
        return list(ZipDivision.objects.filter(zcta=z).values_list("division_id", flat=True))

    def select_one(_z):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    # Warm up connections, plans and the zipcodes table.
    for z in zips[:300]:
        lookup(z)
        zip_rows(z)
        select_one(z)

    query_counts, uncached_counts = [], []
    for z in zips[:500]:
        with CaptureQueriesContext(connection) as queries:
            lookup(z)
        query_counts.append(len(queries))
        with CaptureQueriesContext(connection) as queries:
            lookup_uncached(z)
        uncached_counts.append(len(queries))
    entries = [len(lookup(z).entries) for z in zips[:500]]

    def holders(result):
        return [(e.office.pk, e.person.pk if e.person else None, len(e.contact_points)) for e in result.entries]

    mismatches = sum(1 for z in zips[:500] if holders(lookup(z)) != holders(lookup_uncached(z)))
    if mismatches:
        sys.exit(f"cached and uncached lookups disagree on {mismatches} ZIPs")

    # Interleave them so machine noise hits them alike. The cached lookup starts cold: the
    # cache holds each state's and each district's offices, never whole ZIPs.
    cache.clear()
    lookup_ms, uncached_ms, rows_ms, one_ms = [], [], [], []
    for start in range(0, len(zips), 1000):
        chunk = zips[start : start + 1000]
        lookup_ms += timed(lookup, chunk)
        uncached_ms += timed(lookup_uncached, chunk)
        rows_ms += timed(zip_rows, chunk)
        one_ms += timed(select_one, chunk)

    print(f"cache backend: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}")
    print(line("officials_for_zip", lookup_ms))
    print(line("officials_for_zip(use_cache=False)", uncached_ms))
    print(line("baseline: indexed ZipDivision query", rows_ms))
    print(line("baseline: SELECT 1 round trip", one_ms))
    print(
        f"queries per lookup: {min(query_counts)}-{max(query_counts)} "
        f"(mean {statistics.fmean(query_counts):.2f}); uncached {min(uncached_counts)}-{max(uncached_counts)}; "
        f"officials per lookup: mean {statistics.fmean(entries):.1f}"
    )
    print(f"uncached ratio p95 / p95 ZipDivision query: {percentile(uncached_ms, 95) / percentile(rows_ms, 95):.1f}x")
    p95 = percentile(lookup_ms, 95)
    print(
        f"ratio p95 lookup / p95 ZipDivision query: {p95 / percentile(rows_ms, 95):.1f}x;  "
        f"/ p95 SELECT 1: {p95 / percentile(one_ms, 95):.1f}x"
    )
    print(f"goal p95 <= 10 ms: {'MET' if p95 <= 10 else 'NOT MET'} ({p95:.3f} ms)")


if __name__ == "__main__":
    main()
