import functools
import http.server
import threading

import pytest

from officials.models import (
    ContactPoint,
    ContactPointChange,
    Division,
    Office,
    Person,
    Term,
    WrongNumberReport,
    ZipDivision,
)
from officials.services import officials_import_all
from tests.conftest import SHARED_DATA


def wipe_officials():
    """Remove every officials row committed outside a test transaction (module-scoped imports)."""
    ContactPointChange.objects.all().delete()
    WrongNumberReport.objects.all().delete()
    ContactPoint.objects.all().delete()
    Term.objects.all().delete()
    ZipDivision.objects.all().delete()
    Office.objects.all().delete()
    Person.objects.all().delete()
    Division.objects.update(parent=None)
    Division.objects.all().delete()


@pytest.fixture(scope="module")
def real_officials(django_db_setup, django_db_blocker):
    """The full public data imported once for the module (about 10 s on SQLite), removed afterwards.

    Tests using it must not write officials rows outside their own transaction (`db`).
    """
    if not SHARED_DATA.exists():
        pytest.skip(f"the public data is not at {SHARED_DATA}")
    with django_db_blocker.unblock():
        wipe_officials()
        results = officials_import_all(data_dir=SHARED_DATA)
        try:
            yield {r.name: r for r in results}
        finally:
            wipe_officials()


@pytest.fixture
def travel(monkeypatch):
    """travel(day): from then on the test runs on `day` (timezone.localdate(), whatever the clock says)."""
    from django.utils import timezone

    original = timezone.localdate

    def go(day):
        monkeypatch.setattr(
            timezone, "localdate", lambda value=None, timezone=None: day if value is None else original(value, timezone)
        )

    return go


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def serve():
    """serve(directory) -> the base URL of a local HTTP server (loopback only) for that directory."""
    servers = []

    def start(directory) -> str:
        handler = functools.partial(_QuietHandler, directory=str(directory))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
