"""PostgreSQL stopped under a running server: 503 in the JSON error shape within 2 s, and recovery by itself.

A private PostgreSQL cluster (initdb on a free loopback port, run as the postgres user when the
tests run as root) holds a migrated database; the production server (`python -m advocacy.webserver`)
serves the app on it. The test
stops PostgreSQL (a fast shutdown, as `pg_ctl stop -m fast`), checks every request answers a
503 quickly with no traceback, starts PostgreSQL again and checks the same server answers
normally without a restart. The shared PostgreSQL is never touched.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from ._processes import PG_BIN, ROOT, PrivatePostgres, WebServer, wait_for

pytestmark = pytest.mark.postgres


def _manage(env: dict, *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


SEED = """
from accounts.services import api_token_create
from tests.factories.accounts import UserFactory
user = UserFactory(email="outage@example.org", zip_code="65101")
print(api_token_create(user=user, name="outage")[1])
"""


@pytest.fixture
def stack():
    if PG_BIN is None:
        pytest.skip("needs PostgreSQL's server binaries (/usr/lib/postgresql/*/bin)")
    # Not under pytest's tmp_path: its parents are private to this user, and postgres may be another one.
    root = Path(tempfile.mkdtemp(prefix="pg-outage-"))
    root.chmod(0o755)
    postgres = PrivatePostgres(root=root / "cluster", log_path=root / "postgres.log").init().start()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "advocacy.settings.test",
        "DATABASE_URL": postgres.url,
        "PYTHONPATH": str(ROOT),
    }
    server = None
    try:
        _manage(env, "migrate", "--noinput")
        key = _manage(env, "shell", "-c", SEED).strip().splitlines()[-1]
        server = WebServer(env=env, log_path=root / "webserver.log").start()
        yield postgres, server, {"Authorization": f"Token {key}"}
    except BaseException:
        print(postgres.tail(), server.tail() if server else "")
        raise
    finally:
        if server is not None:
            server.kill9()
        postgres.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_requests_answer_503_within_2_s_while_postgres_is_stopped_and_recover_by_themselves(stack):
    postgres, server, auth = stack
    checks = [
        ("GET", "/api/v1/me/", None),
        ("GET", "/api/v1/campaigns/", None),
        ("POST", "/api/v1/calls/", {"campaign": "x", "action": 1, "office": 1, "outcome": "reached"}),
        ("GET", "/", None),
    ]
    status, _, body, _ = server.request("/api/v1/me/", headers=auth)
    assert status == 200, body

    postgres.stop()
    for _ in range(2):  # the first request finds the pooled connection broken, the next finds no server
        for method, path, payload in checks:
            status, headers, body, took = server.request(path, method=method, body=payload, headers=auth)
            assert status == 503, (path, status, body[:300])
            assert took < 2, (path, took)
            assert headers.get("Retry-After")
            assert b"Traceback" not in body
            if path.startswith("/api/"):
                assert json.loads(body)["error"]["code"] == "service_unavailable"
            else:
                assert b"Briefly unavailable" in body

    postgres.start()
    wait_for(
        lambda: server.request("/api/v1/me/", headers=auth)[0] == 200,
        timeout=10,
        message="the server to answer again without a restart",
    )
    assert server.request("/api/v1/campaigns/", headers=auth)[0] == 200
    assert server.request("/")[0] == 200
    assert server.running
