"""Generations (advocacy.cache.new_generation, the token cache's too): every value is new, in every worker process
forked from the server's main one."""

import logging
import os

from advocacy.cache import new_generation


def _generation_in_a_forked_child() -> str:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a server worker forked after the app was imported
        os.close(read)
        os.write(write, str(new_generation()).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read) as pipe:
        return pipe.read()


def test_generations_differ_within_a_process_and_across_forked_workers():
    new_generation()  # the main process has drawn from its generator before forking
    generations = [int(_generation_in_a_forked_child()) for _ in range(4)] + [new_generation() for _ in range(4)]

    assert len(set(generations)) == len(generations)
    assert all(0 < g < 2**63 for g in generations)


def test_without_redis_configured_saving_users_logs_no_warning(db, settings, caplog):
    """A fresh machine (`make run` with no REDIS_URL): the demo's users and every signup saved quietly."""
    from django.core.cache import caches

    from tests.factories.accounts import UserFactory

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    caches._settings = None  # let the cache handler read the new setting
    caches._connections.__dict__.pop("default", None)
    with caplog.at_level("WARNING"):
        for n in range(3):
            user = UserFactory(email=f"quiet{n}@example.org")
            user.name = "Renamed"
            user.save()
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    caches._connections.__dict__.pop("default", None)
