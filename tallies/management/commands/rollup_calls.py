"""Roll newly committed calls into the tally tables now (the beat does it every few seconds)."""

from django.core.management.base import BaseCommand

from tallies.rollups import DEFAULT_BATCH_SIZE, rollup_calls


class Command(BaseCommand):
    help = "Add newly committed calls to the tallies, exactly once. Safe to run at any time."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="calls per transaction")
        parser.add_argument("--max-batches", type=int, default=10_000)

    def handle(self, *args, batch_size, max_batches, **options):
        # A hand run waits for a running rollup instead of skipping, so it returns caught up.
        result = rollup_calls(batch_size=batch_size, max_batches=max_batches, wait=True)
        self.stdout.write(f"Rolled up {result.calls} calls in {result.batches} batches; mark at #{result.last_id}.")
