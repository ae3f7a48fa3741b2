import os
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from rest_framework.test import APIClient

from accounts.models import Membership
from accounts.services import api_token_create
from tests.factories.accounts import ChapterFactory, MembershipFactory, UserFactory
from tests.smtp import start_smtp_server

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
CHROMIUM = Path("/usr/bin/chromium")


def _missing_service(marker_name: str) -> str | None:
    """Why a test with this marker cannot run here, or None when it can."""
    from django.conf import settings

    if marker_name == "postgres" and settings.DATABASES["default"]["ENGINE"] != "advocacy.postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    if marker_name == "redis" and not os.environ.get("REDIS_URL"):
        return "needs Redis: set REDIS_URL=redis://..."
    if marker_name == "browser" and not CHROMIUM.exists():
        return "needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
    return None


@pytest.fixture(autouse=True)
def _require_services(request):
    """Skip a test whose service is missing, with the reason; under CI=true, fail it instead."""
    for name in ("postgres", "redis", "browser"):
        if request.node.get_closest_marker(name) and (reason := _missing_service(name)):
            if os.environ.get("CI") == "true":
                pytest.fail(f"CI must run every service test: {reason}")
            pytest.skip(reason)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def redis_down():
    """The project's Redis cache backend pointed where nothing listens, as the default cache.

    A Redis outage is met by the backend alone (advocacy/cache.py): reads miss, writes are
    dropped. No call site catches cache errors, so this is how tests break the cache.
    """
    from django.core.cache import caches

    from advocacy.cache import RedisCache
    from tests.smtp import free_port

    dead = RedisCache(f"redis://127.0.0.1:{free_port()}/0", {"OPTIONS": {"socket_connect_timeout": 0.5}})
    working = caches["default"]
    caches["default"] = dead
    yield dead
    caches["default"] = working


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    # The fail-soft Redis cache backs off for a few seconds after a failure: a test that broke
    # Redis must not leave the next one without rate limits.
    if hasattr(cache, "_unusable_until"):
        cache._unusable_until = 0.0
    # The per-process caches (tokens, campaigns, officials per ZIP, the officials lookup's copy).
    from accounts.api import token_cache
    from officials import cache as officials_cache
    from tallies.api import fast_path_caches

    token_cache.clear()
    officials_cache.clear_process_cache()
    fast_path_caches.clear_process_caches()


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"the public data is not at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def chapter(db):
    return ChapterFactory(name="St. Louis Callers", slug="st-louis-callers", state="MO")


@pytest.fixture
def volunteer(db, chapter):
    user = UserFactory(email="volunteer@example.org", name="Val Volunteer")
    MembershipFactory(user=user, chapter=chapter, role=Membership.Role.MEMBER)
    return user


@pytest.fixture
def chapter_lead(db, chapter):
    user = UserFactory(email="lead@example.org", name="Lee Lead")
    MembershipFactory(user=user, chapter=chapter, role=Membership.Role.LEAD)
    return user


@pytest.fixture
def staff_user(db):
    return UserFactory(email="staff@example.org", name="Sam Staff", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_with_totp(staff_user):
    """Staff past the two-factor gate: staff must set up TOTP before using the site (accounts.middleware)."""
    TOTP.activate(staff_user, generate_totp_secret())
    return staff_user


@pytest.fixture
def staff_client(client, staff_with_totp):
    """A staff member past the two-factor gate, signed in."""
    client.force_login(staff_with_totp)
    return client


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def token_client():
    """token_client(user) -> an APIClient sending that user's new API token."""

    def make(user):
        _, key = api_token_create(user=user, name="tests")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on 127.0.0.1, with Django's SMTP backend pointed at it."""
    inbox, controller = start_smtp_server(settings)
    try:
        yield inbox
    finally:
        controller.stop()


def pytest_configure(config):
    # The Spanish catalog is compiled from its .po (as `make install` does), so a bare pytest run has it.
    from advocacy.catalogs import compile_catalogs

    compile_catalogs()
