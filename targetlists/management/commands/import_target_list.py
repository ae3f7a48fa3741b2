"""Import (or re-import) a chapter's target list from a CSV file: every row or none."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Chapter
from advocacy.errors import ApplicationError
from targetlists import services
from targetlists.models import TargetList
from targetlists.rows import max_bytes, parse_csv


class Command(BaseCommand):
    help = (
        "Import a chapter's target list from a CSV file (columns: name, title, phone, phone_label, district, zips, "
        "email, contact_form, photo_url, party, external_id, title_es, district_es). A list of that name is "
        "imported again: people are updated by external_id, new ones added, missing ones retired."
    )

    def add_arguments(self, parser):
        parser.add_argument("chapter", help="The chapter's slug")
        parser.add_argument("file", help="The CSV file (UTF-8, comma or semicolon separated)")
        parser.add_argument("--name", required=True, help='The list\'s name, e.g. "St. Louis Board of Aldermen"')
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; write nothing")

    def handle(self, *args, chapter, file, name, dry_run, **options):
        found = Chapter.objects.filter(slug=chapter).first()
        if found is None:
            raise CommandError(f"No chapter with the slug {chapter!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        with path.open("rb") as handle:
            data = handle.read(max_bytes() + 1)
        parsed = parse_csv(data)
        if not parsed.ok:
            for problem in parsed.problems:
                self.stderr.write(f"{file}: {problem}")
            raise CommandError(f"{file}: {len(parsed.problems)} problem(s); nothing was imported.")
        existing = TargetList.objects.filter(chapter=found, name__iexact=" ".join(name.split())).first()
        try:
            report = services.target_list_import(
                chapter=found, parsed=parsed, name=name, target_list=existing, dry_run=dry_run
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        verb = "Would import" if dry_run else ("Imported again" if existing else "Imported")
        self.stdout.write(f"{verb} {name!r} for {found.name}: {len(parsed.rows)} rows; {report.summary()}.")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
