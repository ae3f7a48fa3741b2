from officials.importers import import_state_executives

from ._base import ImportCommand


class Command(ImportCommand):
    help = (
        "Import governors, attorneys general and secretaries of state from a state-executives.csv "
        "(path or URL). Rows whose term has ended are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="Path or http(s) URL of state-executives.csv.")
        parser.add_argument(
            "--governor-updates",
            help="The governor-updates-pr3367-unmerged.csv (same shape); it wins for the offices it lists.",
        )
        self.add_roles(parser)
        self.add_snapshot_date(parser)
        super().add_arguments(parser)

    def handle(self, *args, **options):
        self.run_import(
            import_state_executives,
            source=options["source"],
            governor_updates=options["governor_updates"],
            roles=self.roles(options),
            dry_run=options["dry_run"],
            snapshot_date=options["snapshot_date"],
            no_progress=options["no_progress"],
        )
