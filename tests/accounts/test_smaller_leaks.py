"""Smaller leaks: chapter slugs cannot be probed, join links rotate, TOTP secrets are stored encrypted."""

import importlib
import time
import uuid
from http import HTTPStatus

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from cryptography.fernet import InvalidToken
from django.apps import apps as django_apps
from django.urls import reverse

from accounts.adapters import MFAAdapter
from accounts.join_links import chapter_join_token_make
from accounts.models import Membership
from campaigns.models import Campaign
from tallies.models import CallLog
from tests.bodies import same_answer
from tests.factories.accounts import ChapterFactory, MembershipFactory, UserFactory
from tests.factories.campaigns import ActionFactory, CampaignFactory
from tests.factories.officials import missouri_officials

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(db):
    """Another chapter, with a lead, a draft and a published campaign."""
    other = ChapterFactory(name="Kansas City Callers", slug="kansas-city-callers")
    MembershipFactory(chapter=other, role=Membership.Role.LEAD, user=UserFactory(email="kc-lead@example.org"))
    offices = missouri_officials()
    draft = CampaignFactory(chapter=other, slug="kc-draft", status=Campaign.Status.DRAFT)
    ActionFactory(campaign=draft, target_roles=["attorney_general"])
    active = CampaignFactory(chapter=other, slug="kc-active")
    ActionFactory(campaign=active, target_roles=["attorney_general"])
    return {"chapter": other, "draft": draft, "active": active, "ag": offices["attorney_general"]}


def _pages(chapter_slug, campaign_slug):
    return [
        reverse("tallies:chapter_dashboard", args=[chapter_slug]),
        reverse("tallies:chapter_export", args=[chapter_slug, "figures"]),
        reverse("tallies:chapter_export", args=[chapter_slug, "calls"]),
        reverse("chapter_detail", args=[chapter_slug]),
        reverse("chapter_members", args=[chapter_slug]),
        reverse("campaigns:edit", args=[campaign_slug]),
        reverse("campaigns:preview", args=[campaign_slug]),
        reverse("campaigns:action_create", args=[campaign_slug]),
    ]


@pytest.mark.parametrize("who", ["volunteer", "chapter_lead"])
def test_another_chapters_slug_answers_like_a_missing_one_on_every_page(request, client, who, theirs):
    client.force_login(request.getfixturevalue(who))

    existing = [client.get(path).status_code for path in _pages("kansas-city-callers", "kc-draft")]
    missing = [client.get(path).status_code for path in _pages("no-such-chapter", "no-such-campaign")]

    assert existing == missing == [HTTPStatus.NOT_FOUND] * len(existing)
    publish = client.post(reverse("campaigns:publish", args=["kc-draft"]))
    assert publish.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("who", ["volunteer", "chapter_lead"])
def test_another_chapters_slug_answers_like_a_missing_one_in_the_api(request, token_client, who, theirs):
    client = token_client(request.getfixturevalue(who))
    for path in ("/api/v1/chapters/{}/tally/", "/api/v1/chapters/{}/"):
        existing = client.get(path.format("kansas-city-callers"))
        missing = client.get(path.format("no-such-chapter"))
        assert existing.status_code == missing.status_code == HTTPStatus.NOT_FOUND, path
        assert same_answer(existing) == same_answer(missing)
    for path in ("/api/v1/campaigns/{}/", "/api/v1/campaigns/{}/tally/"):
        assert same_answer(client.get(path.format("kc-draft"))) == same_answer(
            client.get(path.format("no-such-campaign"))
        )


@pytest.mark.parametrize("slug", ["kc-draft", "kc-active"])
def test_logging_a_call_on_another_chapters_campaign_answers_like_a_missing_one(
    token_client, client, volunteer, theirs, slug
):
    campaign = theirs[slug.split("-")[1]]
    action = campaign.actions.get()
    api = token_client(volunteer)

    def body(campaign_slug):
        return {"campaign": campaign_slug, "action": action.pk, "office": theirs["ag"].pk, "outcome": "reached"}

    existing = api.post("/api/v1/calls/", body(slug), format="json")
    missing = api.post("/api/v1/calls/", body("no-such-campaign"), format="json")
    assert existing.status_code == missing.status_code == HTTPStatus.NOT_FOUND
    assert same_answer(existing) == same_answer(missing)

    batch = api.post(
        "/api/v1/calls/batch/",
        {"calls": [{**body(s), "idempotency_key": str(uuid.uuid4())} for s in (slug, "no-such-campaign")]},
        format="json",
    ).json()["results"]
    assert batch[0]["error"] == batch[1]["error"]

    client.force_login(volunteer)
    page = client.post(
        reverse("campaigns:call_log", args=[slug]),
        {"action": action.pk, "office": theirs["ag"].pk, "outcome": "reached", "idempotency_key": "k"},
    )
    assert page.status_code == HTTPStatus.NOT_FOUND
    assert not CallLog.objects.exists()


# ------------------------------------------------------------------------------
# Join links
# ------------------------------------------------------------------------------
def _join(client, token):
    return client.post(reverse("chapter_join", args=[token]))


def test_a_lead_rotates_the_join_link_and_the_old_one_stops_working_at_once(client, chapter, chapter_lead):
    old = chapter_join_token_make(chapter=chapter)
    leaver = UserFactory(email="leaver@example.org")
    client.force_login(leaver)
    assert _join(client, old).status_code == HTTPStatus.FOUND
    # The lead removes the member (in the admin) and makes a new link.
    Membership.objects.filter(user=leaver, chapter=chapter).delete()
    client.force_login(chapter_lead)
    detail = client.get(reverse("chapter_detail", args=[chapter.slug])).content.decode()
    assert "Make a new join link" in detail
    rotated = client.post(reverse("chapter_join_link_rotate", args=[chapter.slug]))
    assert rotated.status_code == HTTPStatus.FOUND

    client.force_login(leaver)
    refused = _join(client, old)
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert not Membership.objects.filter(user=leaver, chapter=chapter).exists()
    chapter.refresh_from_db()
    newcomer = UserFactory(email="newcomer@example.org")
    client.force_login(newcomer)
    _join(client, chapter_join_token_make(chapter=chapter))
    assert Membership.objects.filter(user=newcomer, chapter=chapter).exists()
    # The page now shows the new link, not the old one.
    client.force_login(chapter_lead)
    assert old not in client.get(reverse("chapter_detail", args=[chapter.slug])).content.decode()


def test_only_a_lead_rotates_the_join_link(client, chapter, volunteer):
    client.force_login(volunteer)
    assert client.post(reverse("chapter_join_link_rotate", args=[chapter.slug])).status_code == 403
    client.force_login(UserFactory(email="outsider@example.org"))
    assert client.post(reverse("chapter_join_link_rotate", args=[chapter.slug])).status_code == 404
    chapter.refresh_from_db()
    assert chapter.join_link_version == 1


# ------------------------------------------------------------------------------
# TOTP secrets
# ------------------------------------------------------------------------------
def test_totp_secrets_are_stored_encrypted_and_still_verify(staff_user):
    secret = generate_totp_secret()
    authenticator = TOTP.activate(staff_user, secret).instance

    stored = Authenticator.objects.get(pk=authenticator.pk).data["secret"]
    assert stored.startswith(MFAAdapter.PREFIX)
    assert secret not in stored
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    assert TOTP(Authenticator.objects.get(pk=authenticator.pk)).validate_code(code)


def test_the_encryption_key_comes_from_settings(settings):
    encrypted = MFAAdapter().encrypt("JBSWY3DPEHPK3PXP")
    settings.MFA_ENCRYPTION_KEY = ["ZmRmZGZkZmRmZGZkZmRmZGZkZmRmZGZkZmRmZGZkZmQ="]
    with pytest.raises(InvalidToken):
        MFAAdapter().decrypt(encrypted)
    assert MFAAdapter().decrypt(MFAAdapter().encrypt("JBSWY3DPEHPK3PXP")) == "JBSWY3DPEHPK3PXP"


def test_the_migration_encrypts_secrets_stored_in_the_clear(staff_user):
    authenticator = Authenticator.objects.create(
        user=staff_user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    migration = importlib.import_module("accounts.migrations.0002_chapter_join_link_version_encrypted_totp")

    migration.encrypt_stored_secrets(django_apps, None)
    migration.encrypt_stored_secrets(django_apps, None)  # twice changes nothing

    authenticator.refresh_from_db()
    assert authenticator.data["secret"].startswith(MFAAdapter.PREFIX)
    assert MFAAdapter().decrypt(authenticator.data["secret"]) == "JBSWY3DPEHPK3PXP"
