from officials.importers import import_zip_districts

from ._base import ImportCommand


class Command(ImportCommand):
    help = "Import ZIP (ZCTA) to congressional district rows from zccd.csv (state_fips,state_abbr,zcta,cd)."

    def add_arguments(self, parser):
        parser.add_argument("source", help="Path or http(s) URL of zccd.csv.")
        super().add_arguments(parser)

    def handle(self, *args, **options):
        self.run_import(
            import_zip_districts,
            source=options["source"],
            dry_run=options["dry_run"],
            no_progress=options["no_progress"],
        )
