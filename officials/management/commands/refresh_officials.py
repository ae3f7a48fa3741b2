from django.core.management.base import BaseCommand, CommandError

from officials.refresh import RefreshFailed, officials_refresh, sources_from_dir, upstream_sources


class Command(BaseCommand):
    help = (
        "Refresh every officials source in dependency order (divisions, Congress, ZIP districts, state executives) "
        "from the upstream locations, or from --source-dir (the public data folder layout). Prints and stores a "
        "change report; a download or parse failure writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source-dir", help="A folder in the public data layout instead of the upstream URLs.")
        parser.add_argument("--dry-run", action="store_true", help="Read and compare everything, save nothing.")
        parser.add_argument("--no-email", action="store_true", help="Do not email staff the report.")

    def handle(self, *args, **options):
        sources = sources_from_dir(options["source_dir"]) if options["source_dir"] else upstream_sources()
        try:
            run = officials_refresh(sources=sources, dry_run=options["dry_run"], notify=not options["no_email"])
        except RefreshFailed as exc:
            raise CommandError(f"Refresh failed, nothing was written: {exc}") from exc
        self.stdout.write(run.report)
