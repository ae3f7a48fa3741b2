"""A test-only app for worker subprocesses: pause a rollup before it commits, to kill -9 the worker there.

With ROLLUP_PAUSE_SECONDS set, the worker sleeps inside the rollup's transaction (on
tallies.rollups.rollup_window_added), after touching the file named by ROLLUP_PAUSE_MARKER so the
test knows it got there. Without it, nothing happens. Workers load it through
tests/integration/_worker_settings.py.
"""

PAUSE_ENV = "ROLLUP_PAUSE_SECONDS"
MARKER_ENV = "ROLLUP_PAUSE_MARKER"
