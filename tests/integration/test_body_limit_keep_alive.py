"""A body over 1 MiB gets its 413, every time, on a keep-alive connection to the production server.

Issue 29: the 413 was answered before the body was read, and Granian then closed the connection under
a client still sending it: the client saw a reset or a broken pipe instead of the answer (78 of 200
requests on one connection, measured before the fix). The refused body is now read to its end first.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
REQUESTS = 150


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def production_server(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "advocacy.settings.test",
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "1",
        "WEB_THREADS": "2",
    }
    log = (tmp_path / "webserver.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "advocacy.webserver"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while not _listening(port):
            assert server.poll() is None, (tmp_path / "webserver.log").read_text()
            assert time.monotonic() < deadline, "the web server did not listen within 60 s"
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.mark.parametrize("path", ["/api/v1/calls/", "/api/v1/calls/batch/", "/api/v1/me/"])
def test_every_oversized_body_on_one_keep_alive_connection_gets_its_413(production_server, path):
    body = json.dumps({"note": "x" * (1024 * 1024 + 1)}).encode()
    headers = {"Content-Type": "application/json", "Authorization": "Bearer not-checked-before-the-limit"}
    connection = http.client.HTTPConnection("127.0.0.1", production_server, timeout=30)
    statuses, dropped, reconnects = [], [], 0
    method = "PATCH" if path.endswith("/me/") else "POST"
    for number in range(REQUESTS):
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            statuses.append(response.status)
            assert json.loads(payload)["error"]["code"] == "request_too_large"
            if response.will_close:
                reconnects += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", production_server, timeout=30)
        except (ConnectionError, http.client.HTTPException) as exc:
            dropped.append(f"{number}: {type(exc).__name__}")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", production_server, timeout=30)
    connection.close()

    assert dropped == []
    assert statuses == [413] * REQUESTS
    assert reconnects == 0  # the connection was kept open throughout
