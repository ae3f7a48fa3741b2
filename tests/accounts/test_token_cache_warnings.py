"""A generation's replacement warns only when Redis is configured and it could not be replaced.

Without Redis (`make run`'s embedded default) nothing is published or trusted, so every user or
token save used to log a WARNING about nothing.
"""

import logging

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_redis():
    working = caches["default"]
    caches["default"] = LocMemCache("no-redis", {})
    yield
    caches["default"] = working


def test_saving_a_user_without_redis_logs_no_warning(no_redis, caplog, django_capture_on_commit_callbacks):
    with caplog.at_level(logging.WARNING):
        with django_capture_on_commit_callbacks(execute=True):
            user = UserFactory()
            user.name = "Changed"
            user.save()

    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_saving_a_user_while_redis_is_down_warns(redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="advocacy.cache"):
        UserFactory().save()

    assert any(
        "could not replace the generation auth:generation:" in r.getMessage()
        for r in caplog.records
        if r.name == "advocacy.cache"
    )
