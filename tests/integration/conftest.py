"""A real Celery worker, as a subprocess on the test database and Redis, always cleaned up."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.rollup_pause import PAUSE_ENV
from tests.tallies.conftest import (  # noqa: F401 - shared fixtures
    chapter_campaign,
    national_campaign,
    offices,
    other_chapter,
    other_lead,
    other_member,
)

ROOT = Path(__file__).resolve().parent.parent.parent
CELERY = Path(sys.executable).parent / "celery"


class Worker:
    def __init__(self, *, env: dict, log_path: Path):
        self.env = env
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def start(self, **extra_env) -> "Worker":
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.log_path.write_text("")
        log = self.log_path.open("a")
        self.proc = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "advocacy",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env={**self.env, **extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a kill reaches nothing else
        )
        deadline = time.monotonic() + 60
        while "ready." not in self.log_path.read_text():
            if self.proc.poll() is not None:
                raise AssertionError(f"the worker exited:\n{self.log_path.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"the worker did not start:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        return self

    def kill9(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def log(self) -> str:
        return self.log_path.read_text()


@pytest.fixture
def worker(settings, tmp_path, monkeypatch):
    """worker.start(**env) runs `celery -A advocacy worker` against this test's database and Redis."""
    from advocacy.celery import app

    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": os.environ["REDIS_URL"],
        "DJANGO_SETTINGS_MODULE": "tests.integration._worker_settings",
        "DJANGO_CONN_MAX_AGE": "0",
    }
    env.pop(PAUSE_ENV, None)
    # The test process sends real messages to the worker instead of running tasks eagerly.
    monkeypatch.setattr(app.conf, "task_always_eager", False)
    app.control.purge()
    handle = Worker(env=env, log_path=tmp_path / "worker.log")
    yield handle
    handle.kill9()
    app.control.purge()
