from officials.importers import EXECUTIVE_ROLES, import_openstates_executives

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
        parser.add_argument(
            "--roles",
            default="governor,attorney general,secretary of state",
            help='Comma-separated roles as written in the files (default: "governor,attorney general,secretary of state").',
        )
        self.add_snapshot_date(parser)
        super().add_arguments(parser)

    def handle(self, *args, **options):
        roles = [
            EXECUTIVE_ROLES[r.strip().lower()] for r in options["roles"].split(",") if r.strip() in EXECUTIVE_ROLES
        ]
        self.run_import(
            import_openstates_executives,
            source=options["source"],
            updates=options["updates"],
            roles=roles,
            dry_run=options["dry_run"],
            snapshot_date=options["snapshot_date"],
            no_progress=options["no_progress"],
        )
