"""Subprocesses for the reliability tests and bench/call_day.py: a private PostgreSQL cluster, a
private redis-server, Celery workers and beats.

Every process runs in its own process group (so a kill reaches it and its children and nothing
else), writes its output to a file the test prints when it fails, and every wait is bounded.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CELERY = Path(sys.executable).parent / "celery"
REDIS_SERVER = "redis-server"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], bool], *, timeout: float, message: str, every: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        time.sleep(every)


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def lower_session_priority(pid: int, nice: int) -> None:
    """Gives the session `pid` leads the CPU weight of `nice` against every other session.

    Each process here starts in its own session, and with the kernel's autogroup scheduling
    (on by default: /proc/sys/kernel/sched_autogroup_enabled) a session is one scheduling group:
    the groups share the CPU equally and a process's own niceness only ranks it within its group.
    So `nice -n 10` alone leaves a worker an equal share beside the web server. The group's own
    niceness (/proc/PID/autogroup) is what lowers it. Without autogroup there is no file to write.
    """
    try:
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))
    except OSError:
        pass


class Process:
    """One subprocess in its own session, output appended to log_path."""

    name = "process"

    def __init__(self, *, log_path: Path):
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def _spawn(self, *, env: dict | None = None) -> None:
        assert not self.running, f"{self.name} is already running"
        with self.log_path.open("a") as log:
            log.write(f"\n===== {self.name} starting =====\n")
            log.flush()
            self.proc = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill9(self) -> None:
        """SIGKILL the whole process group and reap it (bounded)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a zombie we cannot reap
            pass

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def tail(self, chars: int = 4000) -> str:
        return f"----- {self.name} ({self.log_path}) -----\n{self.log()[-chars:]}"


class RedisServer(Process):
    """A private redis-server on a free loopback port: the shared one on 6379 is never touched."""

    name = "redis"

    def __init__(self, *, log_path: Path, port: int | None = None):
        super().__init__(log_path=log_path)
        self.port = port or free_port()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> list[str]:
        return [
            REDIS_SERVER,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--protected-mode",
            "no",
        ]

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> RedisServer:
        self._spawn()
        wait_for(lambda: self.ping() or not self.running, timeout=15, message="redis-server to answer PING")
        if not self.running:
            raise AssertionError(f"redis-server exited\n{self.tail()}")
        return self

    def pause(self) -> None:
        """A hung Redis (SIGSTOP): connections open but nothing answers, as in a network partition."""
        assert self.running, "redis is not running"
        os.killpg(self.proc.pid, signal.SIGSTOP)

    def resume(self) -> None:
        if self.running:
            os.killpg(self.proc.pid, signal.SIGCONT)

    def stop(self) -> None:
        """The outage: SIGKILL, so clients see their connections drop, and the port is free at once."""
        self.kill9()
        wait_for(lambda: not self.ping(), timeout=10, message="redis to stop answering")


class CeleryProcess(Process):
    """`celery -A advocacy worker|beat` on the test database and a given Redis."""

    def __init__(
        self, *, kind: str, env: dict, log_path: Path, args: list[str] | None = None, name: str = "", nice: int = 0
    ):
        super().__init__(log_path=log_path)
        self.kind = kind
        self.env = env
        self.args = args or []
        self.name = name or kind
        self.nice = nice  # a lower CPU priority, as docs/operations.md runs workers beside the web tier

    def command(self) -> list[str]:
        if self.kind == "worker":
            base = [
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname={self.name}@%h",
            ]
        else:
            base = []
        command = [str(CELERY), "-A", "advocacy", self.kind, *base, "--loglevel=INFO", *self.args]
        return ["nice", "-n", str(self.nice), *command] if self.nice else command

    def ready_text(self) -> str:
        return "ready." if self.kind == "worker" else "beat: Starting"

    def spawn(self, **extra_env: str) -> CeleryProcess:
        """Start without waiting (start several, then wait_ready() on each, to start them in parallel)."""
        self._ready_from = len(self.log())
        self._spawn(env={**self.env, **extra_env})
        if self.nice:
            lower_session_priority(self.proc.pid, self.nice)
        return self

    def wait_ready(self, *, timeout: float = 45) -> CeleryProcess:
        def ready() -> bool:
            return self.ready_text() in self.log()[self._ready_from :] or not self.running

        wait_for(ready, timeout=timeout, message=f"{self.name} to start\n{self.tail()}", every=0.1)
        if not self.running:
            raise AssertionError(f"{self.name} exited at start\n{self.tail()}")
        return self

    def start(self, *, timeout: float = 45, **extra_env: str) -> CeleryProcess:
        return self.spawn(**extra_env).wait_ready(timeout=timeout)

    def received(self, task: str) -> int:
        """How many messages of this task the worker has received, across its restarts."""
        return sum(1 for line in self.log().splitlines() if task in line and "received" in line)


class Processes:
    """Every process a test started, so one finaliser kills them all and prints their logs."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.all: list[Process] = []

    def add(self, process: Process) -> Process:
        self.all.append(process)
        return process

    def redis(self) -> RedisServer:
        return self.add(RedisServer(log_path=self.tmp_path / "redis.log"))

    def celery(self, kind: str, *, env: dict, name: str, args: list[str] | None = None) -> CeleryProcess:
        return self.add(CeleryProcess(kind=kind, env=env, log_path=self.tmp_path / f"{name}.log", args=args, name=name))

    def kill_all(self) -> None:
        # Celery first, so none of them logs a storm of reconnect attempts at a dead Redis.
        for process in sorted(self.all, key=lambda p: isinstance(p, RedisServer)):
            process.kill9()

    def logs(self) -> str:
        return "\n".join(process.tail() for process in self.all)


PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class PrivatePostgres(Process):
    name = "postgres"

    def __init__(self, *, root: Path, log_path: Path, settings: dict[str, str] | None = None):
        """settings: more server settings (`-c name=value`), e.g. extensions to preload."""
        super().__init__(log_path=log_path)
        self.root = root
        self.data = root / "data"
        self.port = free_port()
        self.settings = settings or {}

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> PrivatePostgres:
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        result = subprocess.run(
            _as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync"]),
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return self

    def command(self) -> list[str]:
        return _as_postgres(
            [
                str(PG_BIN / "postgres"),
                "-D",
                str(self.data),
                "-p",
                str(self.port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                f"unix_socket_directories={self.root}",
                "-c",
                "fsync=off",
                *(part for name, value in self.settings.items() for part in ("-c", f"{name}={value}")),
            ]
        )

    def accepting(self) -> bool:
        result = subprocess.run(
            [str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-t", "1"],
            capture_output=True,
            check=False,
        )
        return result.returncode == 0

    def start(self) -> PrivatePostgres:
        self._spawn()
        wait_for(lambda: self.accepting() or not self.running, timeout=60, message="postgres to accept connections")
        if not self.running:
            raise AssertionError(f"postgres exited\n{self.tail()}")
        return self

    def stop(self) -> None:
        """A fast shutdown (SIGINT to the postmaster): sessions are ended, the port closes."""
        if self.running:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill9()
        wait_for(lambda: not port_open(self.port), timeout=30, message="postgres to stop listening")


class WebServer(Process):
    """The production command (`python -m advocacy.webserver`), by default one worker process with four threads."""

    name = "webserver"

    def __init__(self, *, env: dict, log_path: Path, workers: int = 1, threads: int = 4):
        super().__init__(log_path=log_path)
        self.port = free_port()
        self.env = {
            **env,
            "WEB_BIND": f"127.0.0.1:{self.port}",
            "WEB_WORKERS": str(workers),
            "WEB_THREADS": str(threads),
        }

    def command(self) -> list[str]:
        return [sys.executable, "-m", "advocacy.webserver"]

    def start(self) -> WebServer:
        self._spawn(env=self.env)
        wait_for(lambda: port_open(self.port) or not self.running, timeout=60, message="the web server to listen")
        if not self.running:
            raise AssertionError(f"the web server exited\n{self.tail()}")
        return self

    def request(self, path: str, *, method="GET", body=None, data=None, headers=None):
        """(status, headers, body bytes, seconds). `body` is sent as JSON, `data` as it is."""
        if body is not None:
            data = json.dumps(body).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
                return response.status, response.headers, response.read(), time.monotonic() - started
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read(), time.monotonic() - started
