"""The production web server: `python -m advocacy.webserver` serves advocacy.wsgi with Granian.

Granian parses HTTP in Rust and runs the WSGI application on a small pool of Python threads per
worker process. On the call endpoint, whose own work is a few hundred microseconds of Python around
one PostgreSQL statement and one Redis round trip, a pure-Python server spent about as much CPU as
the application (gunicorn's gthread workers: half of every worker's samples were its poller, thread
hand-offs and HTTP parsing). Alternating runs on two cores made a logged call cheaper in worker
CPU and the endpoint faster with Granian; bench/README.md has the figures.

The settings, tuned on a two-core box:

- One process per core: the GIL lets one thread of a process run Python at a time, so cores are
  used by processes. WEB_WORKERS overrides it.
- Two Python threads per process: while one waits on PostgreSQL or Redis the other runs. More
  threads only queue on the GIL. WEB_THREADS overrides it.
- HTTP keep-alive (a volunteer's app, or the proxy in front, reuses connections), a failed worker
  is started again, and no access log (the proxy writes one; a line per call costs CPU at
  1,000 calls/s).

WEB_BIND (host:port, default 127.0.0.1:8000) is where it listens; the TLS-terminating proxy in
front sets X-Forwarded-Proto. Unlike gunicorn, Granian never kills a slow request: PostgreSQL's
connect timeout and Redis's socket timeouts bound those waits, and a statement_timeout on the web
process's database role bounds a runaway query (README, "Running in production").
WEB_LOG_LEVEL sets the server's log level (default warning). WEB_WSGI_TARGET serves another WSGI callable ("module:attribute"); the benchmarks' profiler uses it.
"""

import os
from pathlib import Path

from granian.constants import HTTPModes, Interfaces
from granian.log import LogLevels

WSGI_TARGET = "advocacy.wsgi:application"


def server_options(environ: dict[str, str] | None = None) -> dict:
    """The Granian settings above, with the environment's overrides applied."""
    environ = os.environ if environ is None else environ
    host, _, port = environ.get("WEB_BIND", "127.0.0.1:8000").rpartition(":")
    return {
        "target": environ.get("WEB_WSGI_TARGET", WSGI_TARGET),
        "interface": Interfaces.WSGI,
        "address": host or "127.0.0.1",
        "port": int(port),
        "workers": int(environ.get("WEB_WORKERS") or os.cpu_count() or 1),
        "blocking_threads": int(environ.get("WEB_THREADS") or 2),
        # Threads stay up between bursts: each holds a persistent PostgreSQL connection.
        "blocking_threads_idle_timeout": 600,
        "http": HTTPModes.http1,
        "websockets": False,
        "respawn_failed_workers": True,
        "log_access": False,
        "log_level": LogLevels(environ.get("WEB_LOG_LEVEL", "warning")),
    }


def metrics_dir(environ: dict[str, str] | None = None) -> Path:
    """Where every worker writes its /metrics figures (PROMETHEUS_MULTIPROC_DIR), emptied at start.

    Granian runs several worker processes; each counts on its own, so prometheus-client's
    multiprocess mode adds them up when /metrics is read. Celery workers on the same host should
    be given the same PROMETHEUS_MULTIPROC_DIR (docs/operations.md).
    """
    environ = os.environ if environ is None else environ
    folder = Path(
        environ.get("PROMETHEUS_MULTIPROC_DIR") or Path(__file__).resolve().parent.parent / "var" / "prometheus"
    )
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    return folder


def main() -> None:
    from granian import Granian

    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir())
    Granian(**server_options()).serve()


if __name__ == "__main__":
    main()
