import datetime

from django.core.management.base import CommandError

from officials.importers import import_zip_districts

from ._base import ImportCommand


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--effective: {value!r} is not a YYYY-MM-DD date") from None


class Command(ImportCommand):
    help = (
        "Import a ZIP (ZCTA) to congressional district map: zccd.csv (state_fips,state_abbr,zcta,cd) or the Census "
        "ZCTA-to-district relationship file (pipe-delimited). With --effective the map takes effect on that day; "
        "without it, the map in force today is replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="Path or http(s) URL of the file.")
        parser.add_argument(
            "--effective",
            help="YYYY-MM-DD: the first day this map is used (for example 2027-01-03 for the 120th Congress).",
        )
        super().add_arguments(parser)

    def handle(self, *args, **options):
        effective = _date(options["effective"]) if options["effective"] else None
        result = self.run_import(
            import_zip_districts,
            source=options["source"],
            effective=effective,
            dry_run=options["dry_run"],
            no_progress=options["no_progress"],
        )
        if result.zip_moves:
            when = f" from {effective}" if effective else ""
            self.stdout.write(f"{len(result.zip_moves)} ZIPs change district{when}")
