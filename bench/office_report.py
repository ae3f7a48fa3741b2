"""Office report and answer rates: p95 and SQL query count at 100,000 calls and at 10 million.

    .venv/bin/python bench/seed_calls.py 10000000        # once: the big database
    .venv/bin/python bench/office_report.py [--requests 200] [--big 10000000]

Measured through Django's test client, as the lead of bench chapter 0, so the time includes
the session, the permission check, every query and the template or serializer:

- the office report page (HTML) and the report API (JSON) for the chapter's busiest (campaign,
  office) pair over the last 30 days of the seeded calls (the seed's clock runs ahead
  of the real one, so "last 30 days" ends at the newest call);
- the answer-rates API (`/api/v1/officials/<id>/answer-rates/`) of that office, with "now" at
  the newest call, so the 90-day window holds 90 days of seeded calls;
- the report PDF, reported on its own line (reportlab's drawing, not the database).

Goal: p95 <= 50 ms for the report and for the answer rates, with their query counts. Both
sizes are measured in the same run, alternating, like bench/dashboard.py: the baseline in
<DATABASE_URL>_100k (rebuilt with exactly 100,000 calls each run), the big one in DATABASE_URL.
Each is rolled up, then 1,000 more calls are added as the live tail. `--big` says how many
calls the big database must hold (10 million by default).
"""

import argparse
import datetime
import os
import time
from unittest import mock

from _common import call_count, median, p95, setup_django, small_url, use_database

TAIL = 1_000


def prepare(size: int) -> None:
    from seed_calls import reset, seed

    from tallies.rollups import rollup_calls

    if size <= 100_000:  # the baseline is rebuilt each run, so it holds exactly `size` calls
        reset()
        seed(size, quiet=True)
    elif call_count() < size:
        raise SystemExit(f"the big database holds {call_count():,} calls: run bench/seed_calls.py first")
    rollup_calls(wait=True, max_batches=10_000)
    # What autovacuum does to a table after bulk inserts: the visibility map lets the report
    # read the (office, campaign, created_at) index alone. The bulk seed leaves it unset.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE tallies_calllog")
        cursor.execute("VACUUM ANALYZE tallies_answerhourtally")
    seed(TAIL, quiet=True)


def targets() -> dict:
    """The lead's client and the URLs measured, on the current database."""
    from django.db.models import Sum
    from django.test import Client

    from accounts.models import Chapter, User
    from campaigns.models import Campaign
    from tallies.models import CallLog, DailyTally

    chapter = Chapter.objects.get(slug="bench-chapter-0")
    # The chapter's busiest (campaign, office) pair: the heaviest report it can ask for.
    busiest = (
        DailyTally.objects.filter(chapter_id=chapter.pk)
        .values("campaign_id", "office_id")
        .annotate(calls=Sum("n"))
        .order_by("-calls")
        .first()
    )
    office_id = busiest["office_id"]
    campaign = Campaign.objects.get(pk=busiest["campaign_id"])
    newest = CallLog.objects.order_by("-id").values_list("created_at", flat=True).first()
    end = newest.astimezone(chapter.zone).date()
    query = f"?campaign={campaign.slug}&office={office_id}&start={end - datetime.timedelta(days=29)}&end={end}"
    client = Client()
    client.force_login(User.objects.get(email="bench-lead-0@bench.invalid"))
    urls = {
        "report page": f"/chapters/{chapter.slug}/office-report/{query}",
        "report API": f"/api/v1/chapters/{chapter.slug}/office-report/{query}",
        "answer rates API": f"/api/v1/officials/{office_id}/answer-rates/",
        "report PDF": f"/chapters/{chapter.slug}/office-report.pdf{query}",
    }
    for url in urls.values():
        for _ in range(5):
            with at(newest):
                assert client.get(url).status_code == 200, url
    return {"client": client, "urls": urls, "newest": newest, "office": office_id, "campaign": campaign.slug}


def at(moment):
    """The answer rates' clock at the newest seeded call (the seed's clock runs ahead of the real one)."""
    return mock.patch("tallies.selectors.answer_rates.timezone.now", return_value=moment)


def query_count(client, url, newest) -> int:
    from django.db import connection

    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)), at(newest):
        client.get(url)
    return len(queries)


def timed(client, url, n: int, newest, cpu: list[float]) -> list[float]:
    """Wall times in ms; the Django process's own CPU time per request goes into cpu (on a shared
    box, wall time also counts the wait for a core)."""
    times = []
    with at(newest):
        for _ in range(n):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200
    return times


def switch(url: str) -> None:
    from django.db import connections

    conn = connections["default"]
    conn.close()
    conn.settings_dict["NAME"] = url.rpartition("/")[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="per URL and size")
    parser.add_argument("--rounds", type=int, default=4, help="alternations between the two sizes")
    parser.add_argument("--big", type=int, default=10_000_000, help="calls the big database must hold")
    args = parser.parse_args()
    big = setup_django()
    from tallies.selectors import tally_office_report  # noqa: F401 - fails early on an old checkout

    sizes = {"100k": (small_url(big), 100_000), "big": (big, args.big)}
    state = {}
    for label, (url, size) in sizes.items():
        use_database(url)
        prepare(size)
        entry = targets()
        entry["stored"] = call_count()
        entry["queries"] = {name: query_count(entry["client"], u, entry["newest"]) for name, u in entry["urls"].items()}
        entry["times"] = {name: [] for name in entry["urls"]}
        entry["cpu"] = {name: [] for name in entry["urls"]}
        state[label] = entry
    per_round = max(1, args.requests // args.rounds)
    for _ in range(args.rounds):
        for label, (url, _) in sizes.items():
            switch(url)
            entry = state[label]
            for name, u in entry["urls"].items():
                n = max(1, per_round // 5) if name == "report PDF" else per_round
                entry["times"][name] += timed(entry["client"], u, n, entry["newest"], entry["cpu"][name])
    for label, entry in state.items():
        print(f"{label}: {entry['stored']:,} calls stored; office {entry['office']}, campaign {entry['campaign']}")
        for name, times in entry["times"].items():
            goal = "" if name == "report PDF" else " (goal <= 50 ms)"
            print(
                f"  {name:17} {len(times):4} requests: median {median(times):6.1f} ms, p95 {p95(times):6.1f} ms{goal}, "
                f"{entry['queries'][name]} SQL queries; app CPU median {median(entry['cpu'][name]):.1f} ms",
                flush=True,
            )
    small, large = state["100k"], state["big"]
    for name in large["times"]:
        ratio = p95(large["times"][name]) / p95(small["times"][name])
        print(f"  ratio big/100k, {name}: p95 {ratio:.2f}")
    print(f"  load average during the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
