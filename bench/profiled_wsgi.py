"""advocacy.wsgi with cProfile around every request: the server's target under `bench/api_calls.py --profile`.

cProfile sees only the thread it is enabled in, so each of the server's Python threads keeps its own
profile, in thread CPU time (on a shared, loaded machine the wall clock mostly measures waiting for
a core). Each one is written to BENCH_PROFILE_DIR at most once a second: the server's workers are
stopped with a signal, so there is no reliable last moment to write it.
"""

import cProfile
import os
import threading
import time

from advocacy.wsgi import application as django_application

PROFILE_DIR = os.environ["BENCH_PROFILE_DIR"]
WRITE_EVERY_S = 1.0

_local = threading.local()


def application(environ, start_response):
    profile = getattr(_local, "profile", None)
    if profile is None:
        profile = _local.profile = cProfile.Profile(time.thread_time)
        _local.path = os.path.join(PROFILE_DIR, f"worker-{os.getpid()}-{threading.get_ident()}.prof")
        _local.written = time.monotonic()
    profile.enable()
    try:
        return django_application(environ, start_response)
    finally:
        profile.disable()
        if time.monotonic() - _local.written > WRITE_EVERY_S:
            profile.dump_stats(_local.path)
            _local.written = time.monotonic()
