from officials.importers import import_divisions

from ._base import ImportCommand


class Command(ImportCommand):
    help = (
        "Import OCD division ids (us-states.csv, us-territories.csv, us-congressional-districts.csv) from DIR or URL."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="Directory or http(s) URL holding the three ocd-divisions CSVs.")
        super().add_arguments(parser)

    def handle(self, *args, **options):
        self.run_import(
            import_divisions, source=options["source"], dry_run=options["dry_run"], no_progress=options["no_progress"]
        )
