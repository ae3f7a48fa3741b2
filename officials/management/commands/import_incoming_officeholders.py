from django.core.management.base import BaseCommand, CommandError

from officials.importers import ImportFileError
from officials.review import INCOMING_COLUMNS, incoming_officeholders_import


class Command(BaseCommand):
    help = (
        "Enter incoming officeholders from a CSV before any source lists them (columns: "
        + ", ".join(INCOMING_COLUMNS)
        + "; photo_url, phone, contact_form and email may be empty). Each takes office on first_day; "
        "a later upstream record of the same person merges into it. Every row is checked first."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="A CSV path or an http(s) URL.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count everything, save nothing.")

    def handle(self, *args, **options):
        try:
            entered, updated = incoming_officeholders_import(source=options["source"], dry_run=options["dry_run"])
        except ImportFileError as exc:
            raise CommandError(f"Rejected, nothing was written: {exc}") from exc
        prefix = "[dry run, nothing saved] " if options["dry_run"] else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}incoming officeholders: {entered} entered, {updated} updated"))
