from officials.importers import import_openstates_executives

from ._base import ImportCommand


class Command(ImportCommand):
    help = (
        "Import governors, attorneys general and secretaries of state from Open States person files "
        "(openstates/people data/<st>/executive/*.yml): a directory, a directory URL, or a .tar.gz URL of the "
        "repository. Terms that start later take effect on their first day; scheduled ends are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="Directory, directory URL or .tar.gz URL of the person files.")
        parser.add_argument(
            "--updates", help="A second folder of person files (for example an unmerged upstream change) that wins."
        )
        self.add_roles(parser)
        self.add_snapshot_date(parser)
        super().add_arguments(parser)

    def handle(self, *args, **options):
        self.run_import(
            import_openstates_executives,
            source=options["source"],
            updates=options["updates"],
            roles=self.roles(options),
            dry_run=options["dry_run"],
            snapshot_date=options["snapshot_date"],
            no_progress=options["no_progress"],
        )
