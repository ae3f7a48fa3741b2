"""The weekly digest to 100,000 volunteers through a local SMTP server: time, messages/s, memory.

    .venv/bin/python bench/reminders.py [--volunteers 100000] [--small 10000] [--processes 2] [--chunk-size 500]

Goal: 100,000 volunteers handed to a local SMTP server in <= 5 min, memory flat.

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/adv_bench_reminders (created and
migrated if missing). The first run seeds the volunteers with INSERT ... SELECT: verified
addresses, weekly digests, four US time zones, one in five in one of 10 chapters, one in ten
with 3 calls over the last three weeks; 3 national campaigns and one per chapter.

An aiosmtpd server in its own process counts the messages and throws the bodies away. Each
digest run (the small one, then the full one) runs in a fresh child process, so its peak RSS
(getrusage) is its own: flat memory means the two peaks are close. The same-run baseline is
raw smtplib sends of one fixed, already rendered digest over one connection to that server.
"""

import argparse
import json
import multiprocessing
import os
import resource
import smtplib
import socket
import subprocess
import sys
import time
from pathlib import Path

from _common import setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/adv_bench_reminders"
CHAPTERS = 10
NATIONAL_CAMPAIGNS = 3
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")


# ------------------------------------------------------------------------------
# The counting SMTP server (its own process)
# ------------------------------------------------------------------------------
def _serve(port, counter, ready, stop):
    from aiosmtpd.controller import Controller

    class Counter:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook)
            with counter.get_lock():
                counter.value += 1
            return "250 OK"

    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def start_smtp():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Forked before Django is set up, so the child holds no database connection.
    ctx = multiprocessing.get_context("fork")
    counter, ready, stop = ctx.Value("q", 0), ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_serve, args=(port, counter, ready, stop), daemon=True)
    proc.start()
    if not ready.wait(30):
        raise SystemExit("the SMTP server did not start")
    return port, counter, stop, proc


def email_env(port: int) -> dict:
    return {
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "false",
    }


# ------------------------------------------------------------------------------
# Seeding
# ------------------------------------------------------------------------------
def seed(volunteers: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Chapter
    from campaigns.models import Action, Campaign
    from officials.models import Office, OfficeRole

    with transaction.atomic():
        chapters = [
            Chapter.objects.get_or_create(slug=f"bench-chapter-{i}", defaults={"name": f"Bench chapter {i}"})[0]
            for i in range(CHAPTERS)
        ]
        office, _ = Office.objects.get_or_create(
            role=OfficeRole.ORGANISATION, title="Bench Department", defaults={"name": "Bench Department"}
        )
        campaigns = []
        for i, chapter in enumerate([None] * NATIONAL_CAMPAIGNS + chapters):
            slug = f"bench-campaign-{i}"
            campaign, created = Campaign.objects.get_or_create(
                slug=slug,
                defaults={
                    "title": f"Bench campaign {i}: call about the sentencing bill",
                    "summary": "Call your attorney general today and ask for a public position.",
                    "status": Campaign.Status.ACTIVE,
                    "chapter": chapter,
                    "published_at": timezone.now(),
                },
            )
            if created:
                Action.objects.create(campaign=campaign, title="Call the Bench Department", script="Hello ...")
            campaigns.append(campaign)

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM accounts_user WHERE email LIKE 'bench-%%@bench.invalid'")
        have = cursor.fetchone()[0]
        if have >= volunteers:
            return
        started = time.perf_counter()
        cursor.execute(
            """
            INSERT INTO accounts_user (password, is_superuser, email, name, zip_code, state, district_ocd_id,
                time_zone, reminder_frequency, is_staff, is_active, date_joined)
            SELECT '!', false, 'bench-' || g || '@bench.invalid', 'Volunteer ' || g, '65101', 'MO', '',
                (%s::text[])[1 + g %% 4], 'weekly', false, true, now()
            FROM generate_series(%s, %s) AS g
            """,
            [list(ZONES), have + 1, volunteers],
        )
        cursor.execute(
            """
            INSERT INTO account_emailaddress (user_id, email, verified, "primary")
            SELECT u.id, u.email, true, true FROM accounts_user u
            WHERE u.email LIKE 'bench-%%@bench.invalid'
              AND NOT EXISTS (SELECT 1 FROM account_emailaddress e WHERE e.user_id = u.id)
            """
        )
        cursor.execute(
            """
            INSERT INTO accounts_membership (user_id, chapter_id, role, joined_at)
            SELECT u.id, (%s::bigint[])[1 + (u.id / 5) %% %s], 'member', now() FROM accounts_user u
            WHERE u.email LIKE 'bench-%%@bench.invalid' AND u.id %% 5 = 0
              AND NOT EXISTS (SELECT 1 FROM accounts_membership m WHERE m.user_id = u.id)
            """,
            [[c.pk for c in chapters], CHAPTERS],
        )
        first = campaigns[0]
        cursor.execute(
            """
            INSERT INTO tallies_calllog (user_id, campaign_id, action_id, office_id, outcome, source,
                request_hash, created_at, note)
            SELECT u.id, %s, %s, %s, 'reached', 'web', '', now() - (k * interval '7 days'), ''
            FROM accounts_user u CROSS JOIN generate_series(0, 2) AS k
            WHERE u.email LIKE 'bench-%%@bench.invalid' AND u.id %% 10 = 0 AND u.id > %s
            """,
            [first.pk, first.actions.first().pk, office.pk, _max_bench_user_with_calls(cursor)],
        )
    print(f"  seeded volunteers {have + 1:,}..{volunteers:,} in {time.perf_counter() - started:.1f} s", flush=True)


def _max_bench_user_with_calls(cursor) -> int:
    cursor.execute("SELECT COALESCE(MAX(user_id), 0) FROM tallies_calllog")
    return cursor.fetchone()[0]


def make_eligible(n: int) -> None:
    """The first n bench volunteers get the weekly digest; the others chose "never"; no digest sent yet."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE accounts_user SET reminder_frequency =
                CASE WHEN id <= (SELECT id FROM accounts_user WHERE email LIKE 'bench-%%@bench.invalid'
                                 ORDER BY id OFFSET %s LIMIT 1) THEN 'weekly' ELSE 'never' END
            WHERE email LIKE 'bench-%%@bench.invalid'
            """,
            [n - 1],
        )
        cursor.execute("TRUNCATE reminders_reminderdelivery")
        cursor.execute("VACUUM ANALYZE accounts_user")


# ------------------------------------------------------------------------------
# The runs
# ------------------------------------------------------------------------------
def child(chunk_size: int, part: int, parts: int) -> None:
    """One part of a digest run in this fresh process (as one Celery worker would); prints one JSON line."""
    setup_django(os.environ["DATABASE_URL"])
    from reminders.services import reminders_send_weekly_digest

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started_at = time.time()
    started = time.perf_counter()
    run = reminders_send_weekly_digest(chunk_size=chunk_size, part=part, parts=parts)
    elapsed = time.perf_counter() - started
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "recipients": run.recipients,
                "sent": run.sent,
                "failed": run.failed,
                "skipped": run.skipped,
                "elapsed": elapsed,
                "started_at": started_at,
                "ended_at": started_at + elapsed,
                "rss_before_kb": rss_before,
                "rss_peak_kb": rss_peak,
            }
        )
    )


def run_parts(chunk_size: int, parts: int) -> dict:
    """The digest split over `parts` processes at once; wall time from the first start to the last end."""
    procs = [
        subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--child", "--chunk-size", str(chunk_size)]
            + ["--part", str(part), "--parts", str(parts)],
            stdout=subprocess.PIPE,
            text=True,
            env=os.environ,
        )
        for part in range(parts)
    ]
    results = []
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode:
            raise SystemExit(f"a digest process failed ({proc.returncode})")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return {
        "sent": sum(r["sent"] for r in results),
        "failed": sum(r["failed"] for r in results),
        "skipped": sum(r["skipped"] for r in results),
        "elapsed": max(r["ended_at"] for r in results) - min(r["started_at"] for r in results),
        "rss_before_kb": max(r["rss_before_kb"] for r in results),
        "rss_peak_kb": max(r["rss_peak_kb"] for r in results),
    }


def sample_message() -> bytes:
    """One digest exactly as the service renders it, for the raw-SMTP baseline."""
    from django.utils import timezone

    from accounts.models import User
    from reminders.services import Mailer, digest_builder

    user = User.objects.filter(email__startswith="bench-").order_by("id").first()
    message = digest_builder(mailer=Mailer.create(), now=timezone.now())([user])[user.pk]
    return message.message().as_bytes(linesep="\r\n")


def smtp_baseline(port: int, n: int, body: bytes) -> float:
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        started = time.perf_counter()
        for _ in range(n):
            smtp.sendmail("noreply@localhost", ["bench-1@bench.invalid"], body)
        return n / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--volunteers", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--chunk-size", type=int, default=500)
    parser.add_argument("--baseline", type=int, default=10_000, help="raw SMTP sends for the baseline")
    parser.add_argument(
        "--processes", type=int, default=2, help="digest parts run at once, like Celery worker processes"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--part", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--parts", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.chunk_size, args.part, args.parts)
        return

    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    port, counter, stop, proc = start_smtp()
    os.environ.update(email_env(port))
    url = setup_django(os.environ["DATABASE_URL"])
    print(
        f"database {url.rpartition('/')[2]}, SMTP server 127.0.0.1:{port} (aiosmtpd, counting), "
        f"{args.processes} digest processes, chunks of {args.chunk_size}",
        flush=True,
    )
    seed(args.volunteers)

    body = sample_message()
    base_rate = smtp_baseline(port, args.baseline, body)
    print(f"  baseline: raw smtplib, one fixed {len(body):,}-byte digest x {args.baseline:,}: {base_rate:,.0f} msg/s")

    results = {}
    for n in (args.small, args.volunteers):
        make_eligible(n)
        before = counter.value
        result = run_parts(args.chunk_size, args.processes)
        received = counter.value - before
        results[n] = result
        rate = result["sent"] / result["elapsed"]
        print(
            f"  {n:>7,} volunteers: sent {result['sent']:,} (server received {received:,}, failed {result['failed']}, "
            f"skipped {result['skipped']}) in {result['elapsed']:.1f} s = {rate:,.0f} msg/s, "
            f"peak RSS per process {result['rss_peak_kb'] / 1024:.0f} MB "
            f"(after start-up {result['rss_before_kb'] / 1024:.0f} MB), "
            f"ratio to baseline {rate / base_rate:.2f}",
            flush=True,
        )
        assert received == result["sent"] == n, (received, result)
    stop.set()
    proc.join(10)

    small, big = results[args.small], results[args.volunteers]
    print("weekly digest:")
    print(
        f"  {args.volunteers:,} volunteers in {big['elapsed']:.1f} s "
        f"(goal <= 300 s: {'yes' if big['elapsed'] <= 300 else 'NO'})"
    )
    print(
        f"  peak RSS per process {small['rss_peak_kb'] / 1024:.0f} MB at {args.small:,}, "
        f"{big['rss_peak_kb'] / 1024:.0f} MB at {args.volunteers:,}: "
        f"ratio {big['rss_peak_kb'] / small['rss_peak_kb']:.2f} (flat: <= 1.10)"
    )


if __name__ == "__main__":
    main()
