"""What every import command shares: --dry-run, a progress bar on stderr, a closing summary."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from officials.importers import EXECUTIVE_ROLES, ImportFileError, ImportResult, executive_role_name


class ImportCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Check and count everything, save nothing.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")

    def add_snapshot_date(self, parser):
        parser.add_argument(
            "--snapshot-date",
            type=datetime.date.fromisoformat,
            default=None,
            help="YYYY-MM-DD: terms of holders missing from the file end on this day (default: the day before today).",
        )

    def add_roles(self, parser):
        # `choices` makes a misspelt role exit 2 with the list, instead of quietly importing every role.
        parser.add_argument(
            "--roles",
            nargs="+",
            type=executive_role_name,
            choices=sorted(EXECUTIVE_ROLES),
            metavar="ROLE",
            help=(
                "Import only these roles, as written in the data, any case, underscores for spaces: "
                '--roles governor "attorney general" (default: all: %(choices)s).'
            ),
        )

    @staticmethod
    def roles(options) -> list[str] | None:
        """The OfficeRole values chosen with --roles, or None for every role."""
        names = options.get("roles")
        return [EXECUTIVE_ROLES[name] for name in names] if names else None

    def run_import(self, func, **kwargs) -> ImportResult:
        try:
            result = func(progress=not kwargs.pop("no_progress", False), **kwargs)
        except ImportFileError as exc:
            raise CommandError(f"Rejected, nothing was written: {exc}") from exc
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        self.stdout.write(self.style.SUCCESS(result.summary()))
        for line in result.detail_lines():
            self.stdout.write(line)
        return result
