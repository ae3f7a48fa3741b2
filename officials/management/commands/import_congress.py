from officials.importers import import_congress

from ._base import ImportCommand


class Command(ImportCommand):
    help = (
        "Import members of Congress from unitedstates/congress-legislators: legislators-current (JSON, else YAML), "
        "legislators-district-offices and legislators-social-media from DIR_OR_URL. Members missing from the "
        "snapshot have their terms ended; calls logged against them keep pointing at them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source", help="Directory or URL base holding legislators-current.json/.yaml, or that file itself."
        )
        self.add_snapshot_date(parser)
        super().add_arguments(parser)

    def handle(self, *args, **options):
        self.run_import(
            import_congress,
            source=options["source"],
            dry_run=options["dry_run"],
            snapshot_date=options["snapshot_date"],
            no_progress=options["no_progress"],
        )
