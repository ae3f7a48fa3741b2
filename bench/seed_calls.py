"""Seed N synthetic but consistent calls into the bench database, fast.

    .venv/bin/python bench/seed_calls.py 10000000           # append 10 million calls
    .venv/bin/python bench/seed_calls.py 100000 --reset     # empty the calls and tallies first

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/adv_bench_tallies (created and
migrated if missing). The first run creates 40 chapters (one per state), 20,000 members (the
first of each chapter is its lead, bench-lead-<n>@bench.invalid), 5 campaigns per chapter
plus 20 national ones (one call action each) and 12 offices per state. Each call is by a real
member, to an office of their chapter's state, for one of their chapter's campaigns or a
national one, spread 6.3 s apart from December 2024 (10 million reach late 2026); one in 40 has a note,
one note in 7 shared with the office (the office report shows them). Rows are made by
INSERT ... SELECT over generate_series in chunks of a million, not by the ORM row by row.
"""

import argparse
import time

from _common import setup_django

CHAPTERS = 40
USERS = 20_000
CAMPAIGNS_PER_CHAPTER = 5
NATIONAL_CAMPAIGNS = 20
OFFICES_PER_STATE = 12
CHUNK = 1_000_000
STATES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO "
    "MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
).split()


def ensure_fixtures() -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from accounts.models import Chapter, Membership, User
    from campaigns.models import Action, Campaign
    from officials.models import Division, Office, OfficeRole

    if Chapter.objects.filter(slug="bench-chapter-0").exists():
        return
    started = time.perf_counter()
    with transaction.atomic():
        divisions = Division.objects.bulk_create(
            Division(
                ocd_id=f"ocd-division/country:us/state:{s.lower()}/bench", name=f"{s} (bench)", kind="state", state=s
            )
            for s in STATES
        )
        roles = (
            [OfficeRole.US_SENATE] * 2 + [OfficeRole.US_HOUSE] * 8 + [OfficeRole.GOVERNOR, OfficeRole.ATTORNEY_GENERAL]
        )
        Office.objects.bulk_create(
            Office(role=role, title=f"{role.label} {d.state} #{k}", division=d, seat=f"bench-{k}")
            for d in divisions
            for k, role in enumerate(roles)
        )
        chapters = Chapter.objects.bulk_create(
            Chapter(name=f"Bench chapter {n} ({STATES[n]})", slug=f"bench-chapter-{n}", state=STATES[n])
            for n in range(CHAPTERS)
        )
        password = make_password(None)
        users = User.objects.bulk_create(
            User(
                email=f"bench-lead-{n}@bench.invalid" if n < CHAPTERS else f"bench-user-{n}@bench.invalid",
                name=f"Bench member {n}",
                password=password,
                state=STATES[n % CHAPTERS],
            )
            for n in range(USERS)
        )
        Membership.objects.bulk_create(
            Membership(user=u, chapter=chapters[n % CHAPTERS], role="lead" if n < CHAPTERS else "member")
            for n, u in enumerate(users)
        )
        campaigns = Campaign.objects.bulk_create(
            [
                Campaign(
                    title=f"Bench {ch.state} campaign {k}",
                    slug=f"bench-{ch.slug}-{k}",
                    status="active",
                    call_goal=50_000,
                    chapter=ch,
                )
                for ch in chapters
                for k in range(CAMPAIGNS_PER_CHAPTER)
            ]
            + [
                Campaign(
                    title=f"Bench national campaign {k}", slug=f"bench-national-{k}", status="active", call_goal=500_000
                )
                for k in range(NATIONAL_CAMPAIGNS)
            ]
        )
        Action.objects.bulk_create(
            Action(campaign=c, title="Call", target_roles=[r.value for r in OfficeRole]) for c in campaigns
        )
    with connection.cursor() as cursor:
        for table in ("bench_users", "bench_chapters", "bench_campaigns", "bench_offices"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            "CREATE TABLE bench_users AS SELECT (row_number() OVER (ORDER BY id) - 1)::int AS idx, id AS user_id "
            "FROM accounts_user WHERE email LIKE '%%@bench.invalid'"
        )
        cursor.execute(
            "CREATE TABLE bench_chapters AS SELECT substr(slug, 15)::int AS idx, id AS chapter_id "
            "FROM accounts_chapter WHERE slug LIKE 'bench-chapter-%%'"
        )
        # Slots 0..199: chapter n's campaigns at n*5+k; 200..219: the national ones.
        cursor.execute(
            "CREATE TABLE bench_campaigns AS SELECT (row_number() OVER (ORDER BY c.id) - 1)::int AS slot, "
            "c.id AS campaign_id, a.id AS action_id FROM campaigns_campaign c "
            "JOIN campaigns_action a ON a.campaign_id = c.id WHERE c.slug LIKE 'bench-%%'"
        )
        cursor.execute(
            "CREATE TABLE bench_offices AS SELECT (row_number() OVER (ORDER BY id) - 1)::int AS idx, id AS office_id "
            "FROM officials_office WHERE seat LIKE 'bench-%%'"
        )
        for table, key in (
            ("bench_users", "idx"),
            ("bench_chapters", "idx"),
            ("bench_campaigns", "slot"),
            ("bench_offices", "idx"),
        ):
            cursor.execute(f"ALTER TABLE {table} ADD PRIMARY KEY ({key})")
    print(
        f"fixtures: {CHAPTERS} chapters, {USERS} members, {len(campaigns)} campaigns in {time.perf_counter() - started:.1f} s"
    )


INSERT_SQL = f"""
INSERT INTO tallies_calllog (user_id, campaign_id, action_id, office_id, person_id, outcome, chapter_id, source,
                             idempotency_key, request_hash, client_timestamp, created_at, note, share_note)
SELECT bu.user_id, bc.campaign_id, bc.action_id, bo.office_id, NULL,
       (ARRAY['reached','voicemail','voicemail','busy','busy','skipped','reached','sent'])[1 + (g.i * 13 %% 8)],
       bch.chapter_id, 'batch', NULL, '', NULL,
       TIMESTAMPTZ '2024-12-01 00:00:00+00' + make_interval(secs => g.i * 6.3),
       CASE WHEN g.i %% 40 = 0 THEN 'Bench note ' || g.i ELSE '' END,
       g.i %% 40 = 0 AND (g.i / 40) %% 7 = 0
FROM (SELECT i, (i * 7919) %% {USERS} AS uidx FROM generate_series(%s::bigint, %s::bigint) AS s(i)) AS g
JOIN bench_users bu ON bu.idx = g.uidx
JOIN bench_chapters bch ON bch.idx = g.uidx %% {CHAPTERS}
JOIN bench_campaigns bc ON bc.slot = CASE WHEN g.i %% 3 = 0 THEN {CHAPTERS * CAMPAIGNS_PER_CHAPTER} + (g.i / 3) %% {NATIONAL_CAMPAIGNS}
                                          ELSE (g.uidx %% {CHAPTERS}) * {CAMPAIGNS_PER_CHAPTER} + (g.i / 7) %% {CAMPAIGNS_PER_CHAPTER} END
JOIN bench_offices bo ON bo.idx = (g.uidx %% {CHAPTERS}) * {OFFICES_PER_STATE} + (g.i * 31) %% {OFFICES_PER_STATE}
"""


def reset() -> None:
    from django.db import connection

    from tallies.sql.rollup import tally_specs

    with connection.cursor() as cursor:
        tables = ["tallies_calllog", "tallies_rollupstate"] + [spec.table for spec in tally_specs()]
        cursor.execute(f"TRUNCATE {', '.join(tables)}")
    from django.core.cache import cache

    cache.clear()  # the rollup's mark floor belonged to the calls just removed


def seed(n: int, *, quiet: bool = False) -> float:
    """Append n calls; returns the seconds it took."""
    from django.db import connection, transaction

    ensure_fixtures()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM tallies_calllog")
        offset = cursor.fetchone()[0]
    started = time.perf_counter()
    done = 0
    while done < n:
        size = min(CHUNK, n - done)
        with transaction.atomic(), connection.cursor() as cursor:
            # The rows reference real fixtures by construction; skipping the per-row foreign key
            # triggers (superuser only, this transaction only) makes the load several times faster.
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(INSERT_SQL, [offset + done + 1, offset + done + size])
        done += size
        if not quiet:
            print(f"  {done:,} / {n:,} calls, {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tallies_calllog")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, help="how many calls to add")
    parser.add_argument("--reset", action="store_true", help="delete every call and tally first")
    args = parser.parse_args()
    url = setup_django()
    if args.reset:
        reset()
    seconds = seed(args.n)
    from tallies.models import CallLog

    total = CallLog.objects.count()
    print(f"seeded {args.n:,} calls in {seconds:.1f} s ({args.n / seconds:,.0f} calls/s); {total:,} stored in {url}")


if __name__ == "__main__":
    main()
