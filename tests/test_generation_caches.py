"""The one generation-cache helper (advocacy.cache.Generation, ProcessCache) and the three caches built on it.

Each app replaces its own generation from its own signals: officials (offices and the rest),
campaigns (campaigns and actions), accounts (tokens, users, email addresses). A process-local
cache filed under a generation is dropped when another process replaces it, there is one size
cap policy, and without Redis (`make run`'s embedded cache) saving anything logs no warning.
"""

import logging

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

from accounts.api.token_cache import generation_key
from accounts.services import api_token_create, api_token_revoke
from advocacy.cache import Generation, ProcessCache
from campaigns import cache as campaigns_cache
from officials import cache as officials_cache
from tests.factories.accounts import UserFactory
from tests.factories.campaigns import ActionFactory, CampaignFactory
from tests.factories.officials import OfficeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_cache():
    """The default cache as `make run` has it without REDIS_URL: not Redis."""
    working = caches["default"]
    caches["default"] = LocMemCache("embedded", {})
    yield
    caches["default"] = working


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def replaced(generation: Generation, write, commits) -> bool:
    before = generation.current()
    with commits():
        write()
    return generation.current() != before


def test_a_generation_is_shared_and_replaced():
    generation = Generation("test:generation")
    first = generation.current()
    assert first is not None
    assert Generation("test:generation").current() == first  # another process reads the same one
    generation.invalidate()
    assert generation.current() not in (None, first)


def test_a_process_cache_is_dropped_when_another_process_replaces_the_generation():
    generation = Generation("test:generation")
    mine = ProcessCache()
    loads = []

    def load():
        loads.append(1)
        return len(loads)

    assert mine.get_or_load(generation.current(), "key", load) == 1
    assert mine.get_or_load(generation.current(), "key", load) == 1  # kept
    Generation("test:generation").invalidate()  # as another process does on a save
    assert mine.get_or_load(generation.current(), "key", load) == 2


def test_a_process_cache_keeps_nothing_without_a_generation():
    mine = ProcessCache()
    assert mine.get_or_load(None, "key", lambda: 1) == 1
    assert mine.get_or_load(None, "key", lambda: 2) == 2
    mine.put_many(None, {"key": 3})
    assert mine.get_many(None, ["key"]) == {}


def test_the_size_cap_drops_everything_and_starts_again():
    mine = ProcessCache(max_entries=3)
    mine.put_many(1, {"a": 1, "b": 2, "c": 3})
    assert mine.get_many(1, ["a", "b", "c"]) == {"a": 1, "b": 2, "c": 3}
    mine.put_many(1, {"d": 4})
    assert mine.get_many(1, ["a", "b", "c", "d"]) == {"d": 4}
    assert mine.get_or_load(1, "e", lambda: 5) == 5
    assert len(mine.get_many(1, ["a", "b", "c", "d", "e"])) == 2


def test_the_three_caches_follow_the_one_policy():
    from accounts.api import token_cache
    from tallies.api import fast_path_caches

    for process_cache in (
        officials_cache._local,
        token_cache._user_of,
        fast_path_caches._targets,
        fast_path_caches._caller_offices,
    ):
        assert isinstance(process_cache, ProcessCache)


def test_officials_writes_replace_the_officials_generation(commits):
    office = OfficeFactory()
    assert replaced(officials_cache.GENERATION, lambda: office.save(), commits)
    assert replaced(officials_cache.GENERATION, lambda: OfficeFactory().delete(), commits)


def test_a_batched_import_replaces_the_officials_generation_once(commits):
    before = officials_cache.GENERATION.current()
    with officials_cache.batched():
        OfficeFactory()
        assert officials_cache.GENERATION.current() == before  # not yet: once at the end
    assert officials_cache.GENERATION.current() != before


def test_campaign_and_action_writes_replace_the_campaigns_generation(commits):
    campaign = CampaignFactory()
    action = ActionFactory(campaign=campaign)
    assert replaced(campaigns_cache.GENERATION, lambda: campaign.save(), commits)
    assert replaced(campaigns_cache.GENERATION, lambda: action.save(), commits)
    assert replaced(campaigns_cache.GENERATION, lambda: action.target_offices.add(OfficeFactory()), commits)
    assert replaced(campaigns_cache.GENERATION, lambda: action.delete(), commits)
    assert replaced(campaigns_cache.GENERATION, lambda: campaign.delete(), commits)


def test_the_admins_bulk_actions_replace_the_campaigns_generation(commits):
    from django.contrib import admin

    from campaigns.admin import CampaignAdmin
    from campaigns.models import Campaign

    campaign = CampaignFactory()
    archive = CampaignAdmin(Campaign, admin.site).archive
    assert replaced(campaigns_cache.GENERATION, lambda: archive(None, Campaign.objects.filter(pk=campaign.pk)), commits)


def test_token_user_and_address_writes_replace_the_users_generation(commits):
    user = UserFactory()
    generation = Generation(generation_key(user.pk))
    token, _ = api_token_create(user=user, name="phone")
    assert replaced(generation, lambda: api_token_revoke(user=user, token_id=token.pk), commits)
    assert replaced(generation, lambda: token.delete(), commits)
    assert replaced(generation, lambda: user.save(), commits)
    assert replaced(generation, lambda: EmailAddress.objects.create(user=user, email="second@example.org"), commits)
    assert not replaced(generation, lambda: user.save(update_fields=["last_login"]), commits)
    assert replaced(generation, lambda: user.delete(), commits)


def test_no_warning_on_saves_with_the_embedded_cache(local_cache, caplog, commits):
    with caplog.at_level(logging.WARNING), commits():
        user = UserFactory()
        token, _ = api_token_create(user=user, name="phone")
        api_token_revoke(user=user, token_id=token.pk)
        user.save()
        CampaignFactory().save()
        OfficeFactory().save()

    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_the_embedded_cache_holds_generations_too(local_cache, commits):
    """Without Redis the generations live in the embedded cache: the process caches still work."""
    generation = officials_cache.GENERATION
    first = generation.current()
    assert first is not None
    assert generation.current() == first
    assert replaced(generation, lambda: OfficeFactory(), commits)


def test_while_redis_is_down_nothing_is_trusted(redis_down):
    assert Generation("test:generation").current() is None
