"""Time to roll up 100,000 new calls with 100,000 and with 10 million calls already stored.

    .venv/bin/python bench/seed_calls.py 10000000        # once: the big database
    .venv/bin/python bench/rollup.py [--repeats 3] [--new 100000]

Goal: <= 2 s, and within 25% whatever is stored. The baseline (100,000 stored)
is measured in the same run, in the database <DATABASE_URL>_100k, rebuilt each repeat; the
big one (DATABASE_URL, default adv_bench_tallies) only grows by the new calls.
"""

import argparse
import time

from _common import call_count, median, setup_django, small_url, use_database


def timed_rollup() -> tuple[float, int]:
    from tallies.rollups import rollup_calls

    started = time.perf_counter()
    result = rollup_calls(wait=True)
    return time.perf_counter() - started, result.calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--new", type=int, default=100_000, help="new calls per timed rollup")
    parser.add_argument("--stored", type=int, default=100_000, help="calls stored in the baseline")
    args = parser.parse_args()
    big = setup_django()
    from seed_calls import reset, seed

    small_times = []
    use_database(small_url(big))
    for _ in range(args.repeats):
        reset()
        seed(args.stored, quiet=True)
        timed_rollup()
        seed(args.new, quiet=True)
        seconds, calls = timed_rollup()
        assert calls == args.new, calls
        small_times.append(seconds)
        print(f"  {args.stored:,} stored: rolled up {calls:,} new calls in {seconds:.3f} s", flush=True)

    use_database(big)
    stored = call_count()
    started = time.perf_counter()
    backlog, _ = timed_rollup()  # whatever earlier runs left behind, not timed as a result
    print(
        f"  big database: {stored:,} stored, backlog rolled up in {backlog:.1f} s ({time.perf_counter() - started:.1f} s)"
    )
    big_times = []
    for _ in range(args.repeats):
        seed(args.new, quiet=True)
        stored = call_count()
        seconds, calls = timed_rollup()
        assert calls == args.new, calls
        big_times.append(seconds)
        print(f"  {stored:,} stored: rolled up {calls:,} new calls in {seconds:.3f} s", flush=True)

    small, large = median(small_times), median(big_times)
    print(f"rollup of {args.new:,} new calls, median of {args.repeats}:")
    print(f"  with {args.stored:,} stored:   {small:.3f} s")
    print(f"  with {stored:,} stored: {large:.3f} s")
    print(
        f"  ratio big/small: {large / small:.2f} (goal <= 1.25; each <= 2 s: {'yes' if max(small, large) <= 2 else 'NO'})"
    )


if __name__ == "__main__":
    main()
