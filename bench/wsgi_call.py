"""A logged call through the whole Django application in-process: the CPU of one POST /api/v1/calls/.

    .venv/bin/python bench/wsgi_call.py                  # 5 rounds of 2,000 calls
    .venv/bin/python bench/wsgi_call.py --rounds 7 --calls 5000

Calls the WSGI application (advocacy.wsgi, with bench/bench_settings.py, as the server runs it)
directly, with a token and a JSON body as a volunteer's app sends them: every middleware, the
fast path, the Redis round trip and the PostgreSQL statement, but no HTTP server and no load
generator sharing the cores. What it prints is this process's CPU per call (time.process_time)
for each round and the median, so it is steady on a busy machine where calls/s are not.
bench/log_call.py measures the call's service alone, without the request around it.

The database, its seed and Redis are bench/api_calls.py's. To compare two versions of the code,
run the same file at each (copy it into the other checkout if it is not there), alternating,
and compare the medians.
"""

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api_calls  # noqa: E402 (the sibling benchmark's database, setup and seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=2000, help="calls per round")
    parser.add_argument("--users", type=int, default=500, help="volunteers' tokens, round-robin")
    parser.add_argument("--url", default=os.environ.get("DATABASE_URL", api_calls.DEFAULT_URL))
    args = parser.parse_args()
    api_calls.setup_django(args.url, os.environ.get("REDIS_URL") or api_calls.DEFAULT_REDIS)
    keys, body = api_calls.seed(args.users)

    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    data = json.dumps(body).encode()
    statuses: dict[str, int] = {}
    sent = 0

    def start_response(status, headers, exc_info=None):
        statuses[status] = statuses.get(status, 0) + 1

    def post(n: int) -> None:
        nonlocal sent
        for _ in range(n):
            environ = {
                "REQUEST_METHOD": "POST",
                "PATH_INFO": "/api/v1/calls/",
                "SCRIPT_NAME": "",
                "QUERY_STRING": "",
                "SERVER_NAME": "127.0.0.1",
                "SERVER_PORT": "8000",
                "SERVER_PROTOCOL": "HTTP/1.1",
                "HTTP_HOST": "127.0.0.1",
                "REMOTE_ADDR": "127.0.0.1",
                "CONTENT_TYPE": "application/json",
                "CONTENT_LENGTH": str(len(data)),
                "HTTP_AUTHORIZATION": f"Token {keys[sent % len(keys)]}",
                "HTTP_IDEMPOTENCY_KEY": f"wsgi-{os.getpid()}-{time.time_ns()}-{sent}",
                "wsgi.input": io.BytesIO(data),
                "wsgi.url_scheme": "http",
                "wsgi.errors": sys.stderr,
                "wsgi.multithread": True,
                "wsgi.multiprocess": True,
                "wsgi.run_once": False,
                "wsgi.version": (1, 0),
            }
            sent += 1
            response = application(environ, start_response)
            b"".join(response)
            response.close()

    post(3 * len(keys))  # warm: every token's first sight, the process caches, the prepared statement
    rounds = []
    for _ in range(args.rounds):
        started = time.process_time()
        post(args.calls)
        rounds.append(1e6 * (time.process_time() - started) / args.calls)
    print(f"{args.rounds} rounds of {args.calls} calls, {len(keys)} tokens; answers {statuses}")
    print("this process's CPU per call (microseconds), by round:", ", ".join(f"{r:.0f}" for r in rounds))
    print(f"median {statistics.median(rounds):.0f}")


if __name__ == "__main__":
    main()
