"""Send reminder emails now, by hand (beat sends them on schedule).

    python manage.py send_reminders new-campaigns [--dry-run]
    python manage.py send_reminders weekly [--dry-run] [--week 2026-11-23]

Safe to run at any time, as often as you like: nobody gets the same reminder twice.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from reminders.services import (
    CHUNK_SIZE,
    TransientSendError,
    reminders_send_new_campaigns,
    reminders_send_weekly_digest,
)


class Command(BaseCommand):
    help = __doc__.strip().splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["new-campaigns", "weekly"])
        parser.add_argument("--dry-run", action="store_true", help="Count who would get an email; send nothing.")
        parser.add_argument("--week", help="Weekly only: the Monday (YYYY-MM-DD) naming the week; default this week.")
        parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE)

    def handle(self, *args, kind, dry_run, week, chunk_size, **options):
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        try:
            if kind == "weekly":
                week_start = None
                if week:
                    try:
                        week_start = dt.date.fromisoformat(week)
                    except ValueError as exc:
                        raise CommandError(f"--week {week!r} is not a date (YYYY-MM-DD).") from exc
                    if week_start.weekday() != 0:
                        raise CommandError(f"--week {week} is not a Monday.")
                run = reminders_send_weekly_digest(week_start=week_start, chunk_size=chunk_size, dry_run=dry_run)
            else:
                if week:
                    raise CommandError("--week only applies to the weekly digest.")
                run = reminders_send_new_campaigns(chunk_size=chunk_size, dry_run=dry_run)
        except TransientSendError as exc:
            raise CommandError(f"The mail server said to try later ({exc}); what was sent is recorded.") from exc
        self.stdout.write(("[dry run] " if dry_run else "") + str(run))
