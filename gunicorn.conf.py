"""Gunicorn settings for production and the benchmarks: `gunicorn -c gunicorn.conf.py advocacy.wsgi`.

Tuned on a two-core box for the call endpoint, whose work is a few hundred microseconds of Python
around one PostgreSQL statement and one Redis round trip:

- gthread workers keep HTTP connections alive (a volunteer's app, or a proxy, reuses them), which
  sync workers cannot; a few threads per worker cover the waits on PostgreSQL and Redis.
- Two processes per core: the GIL makes a process's threads take turns on the CPU, so cores are
  used by processes, and the second one per core runs while the first waits on the network.
- preload_app imports Django once, before forking, so workers start in milliseconds and share
  the imported code's memory.
- No access log: the proxy in front writes one, and a line per call costs CPU at 1,000 calls/s.

Every value can be overridden by the environment (GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_BIND)
or on the command line (flags win over this file).

GUNICORN_PROFILE_DIR=<dir> profiles the application code of every request with cProfile, in
thread CPU time (one profile per worker thread, written when the worker exits): `bench/api_calls.py --profile` uses it
and `bench/profile_table.py` turns the files into the table in bench/README.md.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 2))
keepalive = 30
preload_app = True
accesslog = None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
# A request that takes longer is stuck (a call is milliseconds); the worker is replaced.
timeout = 30
graceful_timeout = 15

_PROFILE_DIR = os.environ.get("GUNICORN_PROFILE_DIR", "")

if _PROFILE_DIR:
    import cProfile
    import threading
    import time

    _profiles: dict[int, cProfile.Profile] = {}
    _local = threading.local()

    def pre_request(worker, req):
        # cProfile sees only the thread it is enabled in, so each request thread has its own.
        profile = getattr(_local, "profile", None)
        if profile is None:
            # CPU time of this thread, not wall time: on a shared, loaded machine the wall clock
            # mostly measures waiting for a core.
            profile = _local.profile = _profiles[threading.get_ident()] = cProfile.Profile(time.thread_time)
        profile.enable()

    def post_request(worker, req, environ, resp):
        profile = getattr(_local, "profile", None)
        if profile is not None:
            profile.disable()

    def worker_exit(server, worker):
        for ident, profile in list(_profiles.items()):
            profile.dump_stats(os.path.join(_PROFILE_DIR, f"worker-{worker.pid}-{ident}.prof"))
