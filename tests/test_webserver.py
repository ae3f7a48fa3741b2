"""The production server's settings (advocacy/webserver.py): the tuned defaults and their overrides.

That the server really serves the app, calls included, is tests/integration/test_database_outage.py.
"""

import os

from granian.constants import Interfaces

from advocacy.webserver import WSGI_TARGET, server_options


def test_defaults_are_one_process_per_core_two_threads_each_on_loopback():
    options = server_options({})

    assert options["target"] == WSGI_TARGET == "advocacy.wsgi:application"
    assert options["interface"] == Interfaces.WSGI
    assert (options["address"], options["port"]) == ("127.0.0.1", 8000)
    assert options["workers"] == os.cpu_count()
    assert options["blocking_threads"] == 2
    assert options["respawn_failed_workers"] is True
    assert options["log_access"] is False


def test_the_environment_overrides_bind_workers_and_threads():
    options = server_options({"WEB_BIND": "10.0.0.5:9001", "WEB_WORKERS": "3", "WEB_THREADS": "4"})

    assert (options["address"], options["port"]) == ("10.0.0.5", 9001)
    assert options["workers"] == 3
    assert options["blocking_threads"] == 4
