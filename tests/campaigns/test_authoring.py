from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.models import Membership
from campaigns.models import Action, Campaign
from tests.factories.accounts import ChapterFactory, MembershipFactory, UserFactory
from tests.factories.campaigns import ActionFactory, CampaignFactory


@pytest.fixture
def other_chapter(db):
    return ChapterFactory(name="Kansas City Callers", slug="kansas-city-callers", state="MO")


@pytest.fixture
def lead_client(client, chapter_lead):
    client.force_login(chapter_lead)
    return client


def test_a_lead_creates_a_draft_for_their_chapter(lead_client, chapter, chapter_lead):
    response = lead_client.post(
        reverse("campaigns:create"),
        {
            "chapter": chapter.pk,
            "title": "Call about the jail",
            "summary": "Short",
            "background": "**Why**",
            "call_goal": 50,
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert (campaign.chapter, campaign.status, campaign.slug, campaign.created_by) == (
        chapter,
        Campaign.Status.DRAFT,
        "call-about-the-jail",
        chapter_lead,
    )


def test_a_lead_cannot_create_a_campaign_for_another_chapter(lead_client, other_chapter):
    response = lead_client.post(reverse("campaigns:create"), {"chapter": other_chapter.pk, "title": "Sneaky"})
    assert response.status_code == HTTPStatus.OK  # the form refuses the choice
    assert "chapter" in response.context["form"].errors
    assert not Campaign.objects.exists()


def test_a_volunteer_cannot_open_the_authoring_pages(client, volunteer):
    client.force_login(volunteer)
    assert client.get(reverse("campaigns:create")).status_code == HTTPStatus.FORBIDDEN
    assert client.get(reverse("campaigns:manage")).status_code == HTTPStatus.FORBIDDEN


def test_a_lead_adds_a_call_action_with_roles_and_a_fixed_office(lead_client, chapter, mo):
    campaign = CampaignFactory(chapter=chapter, status=Campaign.Status.DRAFT)
    response = lead_client.post(
        reverse("campaigns:action_create", args=[campaign.slug]),
        {
            "kind": "call",
            "title": "Call your AG",
            "position": 1,
            "script": "Hello [STATE AG's NAME]",
            "voicemail_script": "Leave your address",
            "target_roles": ["attorney_general", "us_senate"],
            "target_offices": [mo["doj"].pk],
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    action = Action.objects.get(campaign=campaign)
    assert action.target_roles == ["attorney_general", "us_senate"]
    assert list(action.target_offices.all()) == [mo["doj"]]


def test_an_action_needs_a_target(lead_client, chapter):
    campaign = CampaignFactory(chapter=chapter, status=Campaign.Status.DRAFT)
    response = lead_client.post(
        reverse("campaigns:action_create", args=[campaign.slug]), {"kind": "call", "title": "Nobody", "position": 1}
    )
    assert response.status_code == HTTPStatus.OK
    assert not Action.objects.exists()


def test_a_lead_edits_their_campaign(lead_client, chapter):
    campaign = CampaignFactory(chapter=chapter, title="Old title")
    response = lead_client.post(
        reverse("campaigns:edit", args=[campaign.slug]),
        {"title": "New title", "slug": campaign.slug, "summary": "", "background": "", "call_goal": 10},
    )
    assert response.status_code == HTTPStatus.FOUND
    campaign.refresh_from_db()
    assert campaign.title == "New title"


@pytest.mark.parametrize("page", ["edit", "preview", "action_create"])
def test_a_lead_cannot_open_another_chapters_campaign_for_editing(lead_client, other_chapter, page):
    theirs = CampaignFactory(chapter=other_chapter)
    response = lead_client.get(reverse(f"campaigns:{page}", args=[theirs.slug]))
    assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)


def test_a_lead_cannot_edit_publish_or_archive_another_chapters_campaign(lead_client, other_chapter):
    theirs = CampaignFactory(chapter=other_chapter, title="Theirs", status=Campaign.Status.DRAFT)
    action = ActionFactory(campaign=theirs)
    responses = [
        lead_client.post(reverse("campaigns:edit", args=[theirs.slug]), {"title": "Hijacked", "call_goal": 1}),
        lead_client.post(reverse("campaigns:publish", args=[theirs.slug])),
        lead_client.post(reverse("campaigns:archive", args=[theirs.slug])),
        lead_client.post(reverse("campaigns:action_edit", args=[theirs.slug, action.pk]), {"title": "x"}),
        lead_client.post(reverse("campaigns:action_delete", args=[theirs.slug, action.pk])),
    ]
    # The same answer as for a campaign that does not exist: slugs cannot be probed.
    assert all(r.status_code == HTTPStatus.NOT_FOUND for r in responses)
    theirs.refresh_from_db()
    assert (theirs.title, theirs.status) == ("Theirs", Campaign.Status.DRAFT)
    assert Action.objects.filter(pk=action.pk, title=action.title).exists()


def test_a_member_who_is_not_a_lead_cannot_edit_their_chapters_campaign(client, volunteer, chapter):
    ours = CampaignFactory(chapter=chapter)
    client.force_login(volunteer)
    assert client.get(reverse("campaigns:edit", args=[ours.slug])).status_code == HTTPStatus.NOT_FOUND


def test_nobody_edits_national_campaigns_in_the_web_ui(lead_client):
    national = CampaignFactory()
    assert lead_client.get(reverse("campaigns:edit", args=[national.slug])).status_code == HTTPStatus.NOT_FOUND


def test_the_preview_fills_scripts_with_a_sample_official_and_warns_about_unknown_placeholders(
    lead_client, chapter, mo
):
    campaign = CampaignFactory(chapter=chapter, status=Campaign.Status.DRAFT)
    ActionFactory(
        campaign=campaign,
        script="Ask [STATE AG's NAME] about [BILL NUMBER].",
        voicemail_script="[YOUR ADRESS]",
    )
    response = lead_client.get(reverse("campaigns:preview", args=[campaign.slug]))
    html = response.content.decode()
    assert "Ask Catherine Hanaway about [BILL NUMBER]." in html
    assert "Unknown placeholder [BILL NUMBER] in the script." in html
    assert "Unknown placeholder [YOUR ADRESS] in the voicemail script." in html


def test_publishing_makes_a_draft_active(lead_client, chapter):
    campaign = CampaignFactory(chapter=chapter, status=Campaign.Status.DRAFT, published_at=None)
    ActionFactory(campaign=campaign)
    response = lead_client.post(reverse("campaigns:publish", args=[campaign.slug]))
    assert response.status_code == HTTPStatus.FOUND
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.ACTIVE
    assert campaign.published_at is not None


def test_a_campaign_without_actions_cannot_be_published(lead_client, chapter):
    campaign = CampaignFactory(chapter=chapter, status=Campaign.Status.DRAFT)
    lead_client.post(reverse("campaigns:publish", args=[campaign.slug]))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def test_archiving_hides_the_campaign_from_members(lead_client, client, chapter):
    campaign = CampaignFactory(chapter=chapter)
    lead_client.post(reverse("campaigns:archive", args=[campaign.slug]))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.ARCHIVED
    member = UserFactory()
    MembershipFactory(user=member, chapter=chapter, role=Membership.Role.MEMBER)
    lead_client.force_login(member)
    assert lead_client.get(reverse("campaigns:detail", args=[campaign.slug])).status_code == HTTPStatus.NOT_FOUND


def test_the_manage_page_lists_only_the_leads_chapters_campaigns(lead_client, chapter, other_chapter):
    ours = CampaignFactory(chapter=chapter, status=Campaign.Status.DRAFT)
    CampaignFactory(chapter=other_chapter, title="Not ours")
    response = lead_client.get(reverse("campaigns:manage"))
    assert [c.pk for c in response.context["campaigns"]] == [ours.pk]


def test_a_reserved_slug_is_never_given_to_a_campaign(lead_client, chapter):
    lead_client.post(reverse("campaigns:create"), {"chapter": chapter.pk, "title": "Manage"})
    assert Campaign.objects.get().slug == "manage-campaign"


def test_the_admin_pages_load_for_staff(client, staff_user, demo):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=staff_user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff_user)
    for url in (
        reverse("admin:campaigns_campaign_changelist"),
        reverse("admin:campaigns_campaign_change", args=[demo.pk]),
        reverse("admin:campaigns_reply_changelist"),
        reverse("admin:campaigns_category_changelist"),
    ):
        assert client.get(url).status_code == HTTPStatus.OK, url


def test_an_unknown_placeholder_blocks_publishing_until_the_lead_edits_it_away(lead_client, chapter):
    campaign = CampaignFactory(chapter=chapter, status=Campaign.Status.DRAFT, published_at=None)
    action = ActionFactory(campaign=campaign, script="Ask [STATE AG's NAME] about [BOGUS PLACEHOLDER].")
    preview = lead_client.get(reverse("campaigns:preview", args=[campaign.slug])).content.decode()
    assert "Publishing waits until the unknown placeholders are edited away: [BOGUS PLACEHOLDER]." in preview
    response = lead_client.post(reverse("campaigns:publish", args=[campaign.slug]), follow=True)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    assert "Edit away the unknown placeholders before publishing: [BOGUS PLACEHOLDER]." in response.content.decode()

    action.script = "Ask [STATE AG's NAME] about SB 12."
    action.save()
    lead_client.post(reverse("campaigns:publish", args=[campaign.slug]))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.ACTIVE


def test_a_live_campaign_refuses_an_edit_that_brings_an_unknown_placeholder(lead_client, chapter):
    campaign = CampaignFactory(chapter=chapter, status=Campaign.Status.ACTIVE)
    action = ActionFactory(campaign=campaign, script="Ask [STATE AG's NAME] about SB 12.")
    response = lead_client.post(
        reverse("campaigns:action_edit", args=[campaign.slug, action.pk]),
        {
            "kind": "call",
            "title": action.title,
            "position": 1,
            "target_roles": ["attorney_general"],
            "script_es": "Pregunta por [PROYECTO].",
        },
    )
    assert "Unknown placeholders: [PROYECTO]." in response.content.decode()
    action.refresh_from_db()
    assert action.script_es == ""
