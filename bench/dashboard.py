"""Chapter dashboard p95 and SQL query count at 100,000 and at 10 million calls.

    .venv/bin/python bench/seed_calls.py 10000000        # once: the big database
    .venv/bin/python bench/dashboard.py [--requests 300]

The lead's chapter is in Pacific/Honolulu (UTC-10) and has a call day on its chart. Besides the all-time page, each round also
times the page for the last 30 days (`?start=&end=`, local days), reported on its own line.

Goal: p95 <= 50 ms, <= 10 queries, <= 1.5x its time at 100,000 calls. Both sizes
are measured in the same run: the baseline in <DATABASE_URL>_100k (rebuilt with exactly
100,000 calls each run), the big one in DATABASE_URL (default adv_bench_tallies). Each is rolled up,
then 1,000 more calls are added and left as the live tail the dashboard reads on top. The
page is requested through Django's test client as the lead of bench chapter 0, so the
time includes the session, the permission check, every query and the template. The two sizes
are measured in alternating rounds, so a noisy neighbour slows both alike. The rollup half of
the figures is cached per rollup state (tallies.selectors), so the main figures are the warm
path; each round also times a few requests with that cache entry dropped (the first read after
a rollup), reported on their own lines.
"""

import argparse
import datetime
import os
import time

from _common import call_count, median, p95, setup_django, small_url, use_database

TAIL = 1_000
# The measured chapter counts its days in a zone far from UTC (10 hours behind), so every local
# day straddles two UTC days: the hourly rollup and the edge hours of a date range are exercised.
FAR_ZONE = "Pacific/Honolulu"


def prepare(size: int) -> None:
    from seed_calls import reset, seed

    from tallies.rollups import rollup_calls

    if size <= 1_000_000:  # the baseline is rebuilt each run, so it holds exactly `size` calls
        reset()
        seed(size, quiet=True)
    elif call_count() < size:
        raise SystemExit(f"the big database holds {call_count():,} calls: run bench/seed_calls.py first")
    rollup_calls(wait=True, max_batches=10_000)
    seed(TAIL, quiet=True)
    _far_zone()


def _far_zone() -> None:
    from accounts.models import Chapter

    if "time_zone" not in {f.name for f in Chapter._meta.get_fields()}:  # absent before chapter time zones
        return
    from campaigns.models import Campaign
    from rally.models import CallDay
    from tallies.models import CallLog

    chapter = Chapter.objects.get(slug="bench-chapter-0")
    Chapter.objects.filter(pk=chapter.pk).update(time_zone=FAR_ZONE)
    # A call day on the chart, as a lead who rallies the chapter would have.
    newest = CallLog.objects.order_by("-id").values_list("created_at", flat=True).first()
    campaign = Campaign.objects.filter(chapter=chapter).order_by("id").first()
    CallDay.objects.get_or_create(chapter=chapter, campaign=campaign, day=newest.date() - datetime.timedelta(days=3))


def switch(url: str) -> None:
    from django.db import connections

    conn = connections["default"]
    conn.close()
    conn.settings_dict["NAME"] = url.rpartition("/")[2]


def login():
    """A client logged in (on the current database) as the lead of bench chapter 0, warmed up."""
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User

    lead = User.objects.get(email="bench-lead-0@bench.invalid")
    client = Client()
    client.force_login(lead)
    url = reverse("tallies:chapter_dashboard", kwargs={"slug": "bench-chapter-0"})
    for _ in range(20):
        assert client.get(url).status_code == 200
    return client, url, lead


def query_count(client, url) -> int:
    from django.db import connection

    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        client.get(url)
    return len(queries)


def drop_cached_figures(chapter_id: int) -> None:
    """Forget the cached rollup half, as after a rollup: the next request reads the rollup tables."""
    from django.core.cache import cache

    from tallies.selectors import DateRange, dashboard_cache_key

    cache.delete(dashboard_cache_key([chapter_id], DateRange()))


def month_query() -> str:
    """The last 30 days up to the newest seeded call (the seed's clock runs ahead of the real one)."""
    from tallies.models import CallLog

    newest = CallLog.objects.order_by("-id").values_list("created_at", flat=True).first()
    end = newest.date()
    return f"?start={end - datetime.timedelta(days=29)}&end={end}"


def timed(client, url, n: int, *, cold_chapter: int | None = None) -> list[float]:
    times = []
    for _ in range(n):
        if cold_chapter is not None:
            drop_cached_figures(cold_chapter)
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=6, help="alternations between the two sizes")
    args = parser.parse_args()
    big = setup_django()
    from tallies.selectors import tally_dashboard

    sizes = {"100k": (small_url(big), 100_000), "big": (big, 10_000_000)}
    state = {}
    for label, (url, size) in sizes.items():
        use_database(url)
        prepare(size)
        client, page, lead = login()
        chapter_id = lead.chapters.get().pk
        total = tally_dashboard(chapter_ids=[chapter_id]).total
        state[label] = {
            "client": client,
            "page": page,
            "times": [],
            "cold": [],
            "month": [],
            "chapter_id": chapter_id,
            "stored": call_count(),
            "total": total,
        }
        state[label]["queries"] = query_count(client, page)
    # Alternate between the sizes so a noisy neighbour slows both alike.
    per_round = max(1, args.requests // args.rounds)
    for _ in range(args.rounds):
        for label, (url, _) in sizes.items():
            switch(url)
            entry = state[label]
            entry["times"] += timed(entry["client"], entry["page"], per_round)
            entry["cold"] += timed(
                entry["client"], entry["page"], max(1, per_round // 5), cold_chapter=entry["chapter_id"]
            )
            entry["month"] += timed(entry["client"], entry["page"] + month_query(), max(1, per_round // 5))
    for entry in state.values():
        print(
            f"  {entry['stored']:,} calls stored: median {median(entry['times']):.1f} ms, p95 {p95(entry['times']):.1f} ms, "
            f"{entry['queries']} SQL queries, chapter total shown {entry['total']:,}",
            flush=True,
        )
    small, large = state["100k"], state["big"]
    print(f"chapter dashboard, {len(large['times'])} requests each, alternating in {args.rounds} rounds:")
    print(
        f"  p95 {p95(large['times']):.1f} ms at {large['stored']:,} calls (goal <= 50 ms), "
        f"{large['queries']} queries (goal <= 10)"
    )
    print(
        f"  ratio big/100k: p95 {p95(large['times']) / p95(small['times']):.2f}, "
        f"median {median(large['times']) / median(small['times']):.2f} (goal <= 1.5)"
    )
    # The first request after each rollup reads the rollup tables again (the cached half is keyed
    # to the rollup state); measured with the cache entry dropped before every request.
    for label, entry in state.items():
        print(
            f"  first read after a rollup ({label}, {len(entry['cold'])} requests): "
            f"median {median(entry['cold']):.1f} ms, p95 {p95(entry['cold']):.1f} ms"
        )
    for label, entry in state.items():
        print(
            f"  last 30 days ({label}, {len(entry['month'])} requests): "
            f"median {median(entry['month']):.1f} ms, p95 {p95(entry['month']):.1f} ms"
        )
    print(f"  load average during the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
