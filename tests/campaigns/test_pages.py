import re
import uuid
from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.models import Membership
from campaigns.models import Campaign, Reply
from campaigns.services import REPLY_RATE_LIMIT
from tallies.models import CallLog, Outcome, Source
from tests.factories.accounts import ChapterFactory, MembershipFactory, UserFactory
from tests.factories.campaigns import ActionFactory, CampaignFactory, ReplyFactory


def detail_url(campaign):
    return reverse("campaigns:detail", args=[campaign.slug])


def log_url(campaign):
    return reverse("campaigns:call_log", args=[campaign.slug])


def log_data(action, office, outcome=Outcome.VOICEMAIL, key=None, note=""):
    return {
        "action": action.pk,
        "office": office.pk,
        "outcome": outcome,
        "idempotency_key": key or str(uuid.uuid4()),
        "note": note,
    }


# ------------------------------------------------------------------------------
# The campaign list
# ------------------------------------------------------------------------------
def test_the_list_shows_my_chapters_campaigns_first_with_progress(client, volunteer, chapter):
    national = CampaignFactory(title="National one", call_goal=10)
    mine = CampaignFactory(title="Our chapter's", chapter=chapter, call_goal=4)
    action = ActionFactory(campaign=mine)
    from tests.factories.officials import missouri_officials

    offices = missouri_officials()
    CallLog.objects.create(
        user=volunteer, campaign=mine, action=action, office=offices["attorney_general"], outcome=Outcome.REACHED
    )
    client.force_login(volunteer)
    response = client.get(reverse("campaigns:list"))
    assert response.status_code == HTTPStatus.OK
    titles = [c.title for c in response.context["campaigns"]]
    assert titles == [mine.title, national.title]
    assert "1</strong> of 4 calls" in response.content.decode()


def test_the_list_hides_drafts_archived_and_other_chapters_campaigns(client, volunteer):
    other = ChapterFactory(name="Kansas City", slug="kansas-city")
    CampaignFactory(title="A draft", status=Campaign.Status.DRAFT)
    CampaignFactory(title="Archived", status=Campaign.Status.ARCHIVED)
    CampaignFactory(title="Theirs", chapter=other)
    visible = CampaignFactory(title="Visible")
    client.force_login(volunteer)
    response = client.get(reverse("campaigns:list"))
    assert [c.title for c in response.context["campaigns"]] == [visible.title]


def test_anonymous_visitors_see_national_campaigns_only(client, chapter):
    CampaignFactory(title="Chapter only", chapter=chapter)
    national = CampaignFactory(title="For everyone")
    response = client.get(reverse("campaigns:list"))
    assert [c.title for c in response.context["campaigns"]] == [national.title]


# ------------------------------------------------------------------------------
# Who may open a campaign
# ------------------------------------------------------------------------------
def test_a_draft_campaign_is_hidden_from_volunteers(client, volunteer):
    draft = CampaignFactory(status=Campaign.Status.DRAFT)
    client.force_login(volunteer)
    assert client.get(detail_url(draft)).status_code == HTTPStatus.NOT_FOUND


def test_an_archived_campaign_is_hidden_from_volunteers(client, volunteer):
    archived = CampaignFactory(status=Campaign.Status.ARCHIVED)
    client.force_login(volunteer)
    assert client.get(detail_url(archived)).status_code == HTTPStatus.NOT_FOUND


def test_a_lead_can_preview_their_chapters_draft(client, chapter_lead, chapter):
    draft = CampaignFactory(status=Campaign.Status.DRAFT, chapter=chapter)
    client.force_login(chapter_lead)
    response = client.get(detail_url(draft))
    assert response.status_code == HTTPStatus.OK
    assert b"Preview: this campaign is" in response.content


def test_a_chapter_campaign_is_hidden_from_non_members(client, db):
    other = ChapterFactory(name="Kansas City", slug="kansas-city")
    theirs = CampaignFactory(chapter=other)
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(detail_url(theirs)).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("campaigns:list")).context["campaigns"] == []


def test_a_chapter_campaign_is_open_to_its_members(client, volunteer, chapter):
    ours = CampaignFactory(chapter=chapter)
    client.force_login(volunteer)
    assert client.get(detail_url(ours)).status_code == HTTPStatus.OK


def test_an_anonymous_visitor_reads_the_background_and_is_asked_for_a_zip(client, demo):
    response = client.get(detail_url(demo))
    assert response.status_code == HTTPStatus.OK
    assert b"Enter your ZIP code to see your officials" in response.content
    assert b"Background" in response.content


# ------------------------------------------------------------------------------
# The campaign page: my officials and the script
# ------------------------------------------------------------------------------
def test_the_page_shows_my_attorney_general_with_phone_and_filled_script(client, volunteer, demo):
    client.force_login(volunteer)
    html = client.get(detail_url(demo)).content.decode()
    assert "Catherine Hanaway" in html
    assert 'href="tel:+15737513321"' in html
    assert "573-751-3321" in html
    assert "I&#x27;m calling today to demand that Catherine Hanaway condemn" in html
    assert "IF LEAVING A VOICEMAIL please leave your full street address" in html
    assert "https://www.justice.gov/contact-us" in html
    assert "I sent it" in html
    assert "[STATE AG" not in html


def test_the_page_asks_for_my_zip_when_it_does_not_know_it(client, demo):
    user = UserFactory(zip_code="", state="")
    client.force_login(user)
    response = client.get(detail_url(demo))
    assert b"Where do you live?" in response.content
    assert b"Catherine Hanaway" not in response.content


def test_saving_my_zip_shows_my_officials(client, demo):
    user = UserFactory(zip_code="", state="")
    client.force_login(user)
    response = client.post(reverse("campaigns:location", args=[demo.slug]), {"zip_code": "65101"}, follow=True)
    user.refresh_from_db()
    assert user.zip_code == "65101"
    assert user.state == "MO"
    assert b"Catherine Hanaway" in response.content


def test_a_malformed_zip_is_refused_with_a_message(client, demo):
    user = UserFactory(zip_code="", state="")
    client.force_login(user)
    response = client.post(reverse("campaigns:location", args=[demo.slug]), {"zip_code": "6510"}, follow=True)
    assert b"Enter a 5-digit ZIP code" in response.content
    user.refresh_from_db()
    assert user.zip_code == ""


def test_a_split_zip_lets_me_choose_my_district(client, mo):
    campaign = CampaignFactory()
    ActionFactory(campaign=campaign, target_roles=["us_house"], script="Hello [REPRESENTATIVE NAME]")
    user = UserFactory(zip_code="63103")
    client.force_login(user)
    html = client.get(detail_url(campaign)).content.decode()
    assert "Which district do you live in?" in html
    assert "Wesley Bell" in html
    assert "Ann Wagner" in html
    client.post(
        reverse("campaigns:location", args=[campaign.slug]),
        {"zip_code": "63103", "district": "ocd-division/country:us/state:mo/cd:2"},
    )
    html = client.get(detail_url(campaign)).content.decode()
    assert "Hello Ann Wagner" in html
    assert "Wesley Bell" not in html


def test_district_office_numbers_are_offered_when_the_line_is_busy(client, volunteer, demo, mo):
    from tests.factories.officials import ContactPointFactory

    ContactPointFactory(
        office=mo["attorney_general"], value="+18163890000", label="Kansas City office", is_capitol=False, position=5
    )
    client.force_login(volunteer)
    html = client.get(detail_url(demo)).content.decode()
    assert "Line busy? Try a local office" in html
    assert "816-389-0000" in html


# ------------------------------------------------------------------------------
# Logging a call from the page
# ------------------------------------------------------------------------------
def test_one_tap_logs_a_call_with_htmx_and_updates_the_counts(client, volunteer, demo, call_action, mo):
    client.force_login(volunteer)
    response = client.post(
        log_url(demo), log_data(call_action, mo["attorney_general"], note="Staffer listened"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == HTTPStatus.OK
    call = CallLog.objects.get()
    assert (call.user, call.outcome, call.source, call.note) == (
        volunteer,
        Outcome.VOICEMAIL,
        Source.WEB,
        "Staffer listened",
    )
    assert call.person.name == "Catherine Hanaway"
    html = response.content.decode()
    assert "Logged: left a voicemail" in html
    # The counters and the card's live region are updated in place (their elements stay on the page).
    assert f'id="action-progress-{call_action.pk}" hx-swap-oob="innerHTML"' in html
    assert 'id="campaign-progress" hx-swap-oob="innerHTML"' in html
    status_id = f"target-{call_action.pk}-{mo['attorney_general'].pk}-status"
    assert f'id="{status_id}" role="status" hx-swap-oob="innerHTML"' in html
    assert status_id in response["HX-Trigger-After-Settle"]
    assert "1 of 1</strong> called" in html
    assert "<strong>1</strong> of 500" in html


def test_a_double_tap_with_the_same_key_logs_one_call(client, volunteer, demo, call_action, mo):
    client.force_login(volunteer)
    data = log_data(call_action, mo["attorney_general"])
    first = client.post(log_url(demo), data, HTTP_HX_REQUEST="true")
    second = client.post(log_url(demo), data, HTTP_HX_REQUEST="true")
    assert first.status_code == second.status_code == HTTPStatus.OK
    assert CallLog.objects.count() == 1
    assert b"Logged: left a voicemail" in second.content


def test_each_rendered_button_form_gets_a_fresh_idempotency_key(client, volunteer, demo, call_action, mo):
    client.force_login(volunteer)
    response = client.post(log_url(demo), log_data(call_action, mo["attorney_general"]), HTTP_HX_REQUEST="true")
    key_after = response.content.decode().split('name="idempotency_key" value="')[1].split('"')[0]
    client.post(log_url(demo), log_data(call_action, mo["attorney_general"], key=key_after), HTTP_HX_REQUEST="true")
    assert CallLog.objects.count() == 2


def test_without_javascript_the_form_posts_and_redirects_back(client, volunteer, demo, write_action, mo):
    client.force_login(volunteer)
    response = client.post(log_url(demo), log_data(write_action, mo["doj"], outcome=Outcome.SENT))
    assert response.status_code == HTTPStatus.FOUND
    # The redirect lands on the card's live region, which holds the confirmation (not the top of the page).
    status_id = f"target-{write_action.pk}-{mo['doj'].pk}-status"
    assert response["Location"] == f"{detail_url(demo)}#{status_id}"
    assert CallLog.objects.get().outcome == Outcome.SENT
    page = client.get(response["Location"]).content.decode()
    status = page.split(f'id="{status_id}"')[1].split("</div>")[0]
    assert "Thank you! Logged: sent." in status
    assert "1 of 1</strong> sent" in page
    assert "Thank you! Logged" not in page.split('<main id="main"')[1].split("<article")[0]  # not twice


def test_without_javascript_a_refused_call_shows_the_reason_in_the_cards_live_region(
    client, volunteer, demo, call_action, mo
):
    client.force_login(volunteer)
    data = log_data(call_action, mo["attorney_general"])
    client.post(log_url(demo), data)
    # The same button again with another outcome: refused, and the reason lands where the anchor does.
    response = client.post(log_url(demo), {**data, "outcome": Outcome.REACHED})
    status_id = f"target-{call_action.pk}-{mo['attorney_general'].pk}-status"
    assert response["Location"] == f"{detail_url(demo)}#{status_id}"
    page = client.get(response["Location"]).content.decode()
    status = page.split(f'id="{status_id}"')[1].split("</div>")[0]
    assert 'class="log-error"' in status
    assert "This button was already used for another call" in status
    assert CallLog.objects.count() == 1
    # Shown once: the next visit shows the last logged outcome again.
    assert "You logged: left a voicemail." in client.get(detail_url(demo)).content.decode()


def test_without_javascript_a_refusal_for_an_office_not_on_the_page_shows_at_the_top(
    client, volunteer, demo, call_action, mo
):
    client.force_login(volunteer)
    response = client.post(log_url(demo), log_data(call_action, mo["governor"]), follow=True)
    assert CallLog.objects.count() == 0
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1
    assert '<div role="status"><ul class="messages">' in response.content.decode()


def test_with_htmx_a_refused_call_keeps_the_note_and_says_why_in_the_live_region(
    client, volunteer, demo, call_action, mo
):
    client.force_login(volunteer)
    data = log_data(call_action, mo["attorney_general"])
    client.post(log_url(demo), data, HTTP_HX_REQUEST="true")
    response = client.post(
        log_url(demo), {**data, "outcome": Outcome.REACHED, "note": "They hung up"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    status_id = f"target-{call_action.pk}-{mo['attorney_general'].pk}-status"
    status = html.split(f'id="{status_id}"')[1].split("</div>")[0]
    assert "This button was already used for another call" in status
    assert 'value="They hung up"' in html
    assert CallLog.objects.count() == 1


def test_the_call_form_cannot_be_submitted_by_enter_with_an_outcome(client, volunteer, demo, call_action, mo):
    """Implicit submission (Enter in the note) clicks the form's first submit button: a disabled one."""
    client.force_login(volunteer)
    html = client.get(detail_url(demo)).content.decode()
    form = html.split('class="log-form"')[1].split("</form>")[0]
    first_button = re.search(r"<button[^>]*>", form).group(0)
    assert 'type="submit"' in first_button
    assert "disabled" in first_button
    assert "name=" not in first_button


def test_logging_an_office_that_is_not_a_target_is_refused(client, volunteer, demo, call_action, mo):
    client.force_login(volunteer)
    response = client.post(log_url(demo), log_data(call_action, mo["governor"]), HTTP_HX_REQUEST="true")
    assert CallLog.objects.count() == 0
    # Swapped in where the form was (htmx swaps 2xx only), with the reason.
    assert response.status_code == HTTPStatus.OK
    assert "not a target of this action" in response.content.decode()


def test_a_garbled_log_form_is_a_400_not_a_500(client, volunteer, demo):
    client.force_login(volunteer)
    response = client.post(log_url(demo), {"action": "x", "office": "", "outcome": "??"}, HTTP_HX_REQUEST="true")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    response = client.post(log_url(demo), {"action": "x"})
    assert response.status_code == HTTPStatus.FOUND


def test_logging_requires_login(client, demo, call_action, mo):
    response = client.post(log_url(demo), log_data(call_action, mo["attorney_general"]))
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]
    assert CallLog.objects.count() == 0


def test_my_own_progress_reads_two_of_three_called(client, mo):
    campaign = CampaignFactory()
    action = ActionFactory(campaign=campaign, target_roles=["us_senate", "us_house"])
    user = UserFactory(zip_code="65101")
    client.force_login(user)
    for office in (mo["senator_1"], mo["rep_3"]):
        client.post(log_url(campaign), log_data(action, office, outcome=Outcome.REACHED), HTTP_HX_REQUEST="true")
    html = client.get(detail_url(campaign)).content.decode()
    assert "2 of 3</strong> called" in html


# ------------------------------------------------------------------------------
# Replies
# ------------------------------------------------------------------------------
def test_volunteers_post_replies_and_see_them_newest_first(client, volunteer, demo):
    client.force_login(volunteer)
    client.post(reverse("campaigns:reply_create", args=[demo.slug]), {"body": "First: no position yet"})
    client.post(reverse("campaigns:reply_create", args=[demo.slug]), {"body": "Second: they took my address"})
    html = client.get(detail_url(demo)).content.decode()
    assert html.index("Second: they took my address") < html.index("First: no position yet")


def test_replies_are_rate_limited_with_a_clear_message(client, volunteer, demo):
    client.force_login(volunteer)
    url = reverse("campaigns:reply_create", args=[demo.slug])
    for n in range(REPLY_RATE_LIMIT):
        client.post(url, {"body": f"Reply {n}"})
    response = client.post(url, {"body": "One too many"}, follow=True)
    assert Reply.objects.count() == REPLY_RATE_LIMIT
    assert b"Please wait a few minutes before posting again" in response.content


def test_a_lead_of_the_campaigns_chapter_can_hide_a_reply(client, chapter_lead, chapter):
    campaign = CampaignFactory(chapter=chapter)
    reply = ReplyFactory(campaign=campaign, body="Spam spam spam")
    client.force_login(chapter_lead)
    client.post(reverse("campaigns:reply_hide", args=[campaign.slug, reply.pk]))
    reply.refresh_from_db()
    assert reply.is_hidden
    assert reply.hidden_by == chapter_lead


def test_hidden_replies_are_not_shown_to_volunteers(client, volunteer, chapter):
    campaign = CampaignFactory(chapter=chapter)
    ReplyFactory(campaign=campaign, body="Hidden words", is_hidden=True)
    client.force_login(volunteer)
    assert b"Hidden words" not in client.get(detail_url(campaign)).content


def test_a_volunteer_cannot_hide_a_reply(client, volunteer, chapter):
    campaign = CampaignFactory(chapter=chapter)
    reply = ReplyFactory(campaign=campaign)
    client.force_login(volunteer)
    response = client.post(reverse("campaigns:reply_hide", args=[campaign.slug, reply.pk]))
    assert response.status_code == HTTPStatus.FORBIDDEN
    reply.refresh_from_db()
    assert not reply.is_hidden


def test_a_lead_of_another_chapter_cannot_hide_a_reply_on_a_national_campaign(client, chapter_lead):
    campaign = CampaignFactory()
    reply = ReplyFactory(campaign=campaign)
    client.force_login(chapter_lead)
    assert client.post(reverse("campaigns:reply_hide", args=[campaign.slug, reply.pk])).status_code == 403
    assert Membership.objects.filter(user=chapter_lead).exists()


@pytest.mark.parametrize("name", ["campaigns:list"])
def test_url_names_resolve(name):
    assert reverse(name) == "/campaigns/"


def test_detail_url_resolves_by_slug():
    assert reverse("campaigns:detail", args=["abc"]) == "/campaigns/abc/"


def test_the_page_needs_few_queries_whatever_the_number_of_targets(client, django_assert_max_num_queries, mo):
    campaign = CampaignFactory()
    ActionFactory(campaign=campaign, target_roles=["us_senate", "us_house", "governor", "attorney_general"])
    ActionFactory(campaign=campaign, kind="write", target_roles=[], target_offices=[mo["doj"]])
    user = UserFactory(zip_code="65101")
    MembershipFactory(user=user)
    client.force_login(user)
    # 22: one of them finds the ZIP-to-district map in force today, one reads the answer rates.
    with django_assert_max_num_queries(22):
        response = client.get(detail_url(campaign))
    assert response.status_code == HTTPStatus.OK
