"""Recount every tally from CallLog and compare. Exits 1 on any difference."""

from django.core.management.base import BaseCommand, CommandError

from tallies.verification import tally_verify


class Command(BaseCommand):
    help = "Recount the tallies from CallLog, print any difference and exit non-zero if there is one."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=50, help="differences to print per table")

    def handle(self, *args, limit, **options):
        report = tally_verify()
        for table, diffs in report.differences.items():
            self.stdout.write(f"{table}: {len(diffs)} differences")
            for key, rolled, counted in diffs[:limit]:
                self.stdout.write(f"  {key}: rollup {rolled}, CallLog {counted}")
        if report.differences:
            raise CommandError(f"Tallies differ from CallLog in {len(report.differences)} tables.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Tallies match CallLog: {report.calls} calls up to #{report.mark}, {report.tables} tables."
            )
        )
