import csv
import io
from http import HTTPStatus

import pytest
from django.urls import resolve, reverse

from campaigns.models import Campaign
from tallies.rollups import rollup_calls
from tests.factories.tallies import CallLogFactory


def dashboard_url(chapter):
    return reverse("tallies:chapter_dashboard", kwargs={"slug": chapter.slug})


@pytest.fixture
def calls(national_campaign, chapter_campaign, chapter, other_chapter, offices, volunteer, other_member):
    ag = offices["attorney_general"]
    CallLogFactory(
        campaign=national_campaign, chapter=chapter, office=ag, user=volunteer, note="Staffer said no position"
    )
    CallLogFactory(campaign=chapter_campaign, chapter=chapter, office=ag, user=volunteer, outcome="voicemail")
    rollup_calls()
    CallLogFactory(campaign=national_campaign, chapter=chapter, office=ag, user=volunteer, note="=HYPERLINK(evil)")
    CallLogFactory(
        campaign=national_campaign, chapter=other_chapter, office=ag, user=other_member, note="Other chapter's secret"
    )


def test_the_url_names_resolve_to_the_documented_paths(chapter):
    assert dashboard_url(chapter) == "/chapters/st-louis-callers/dashboard/"
    assert reverse("tallies:staff_dashboard") == "/staff/dashboard/"
    assert reverse("tallies:impact") == "/me/impact/"
    assert resolve("/campaigns/some-campaign/widget/").view_name == "tallies:campaign_widget"


# --- chapter dashboard: who sees what -----------------------------------------------------------
def test_an_anonymous_visitor_is_sent_to_log_in(client, chapter):
    response = client.get(dashboard_url(chapter))

    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]


def test_a_member_who_is_not_a_lead_is_refused(client, chapter, volunteer):
    client.force_login(volunteer)

    assert client.get(dashboard_url(chapter)).status_code == HTTPStatus.NOT_FOUND


def test_a_lead_of_another_chapter_is_refused(client, chapter, other_lead):
    client.force_login(other_lead)

    assert client.get(dashboard_url(chapter)).status_code == HTTPStatus.NOT_FOUND


def test_an_unknown_chapter_is_not_found(client, chapter_lead):
    client.force_login(chapter_lead)

    assert client.get("/chapters/nowhere/dashboard/").status_code == HTTPStatus.NOT_FOUND


def test_a_lead_sees_their_chapters_exact_figures_and_notes(client, calls, chapter, chapter_lead):
    client.force_login(chapter_lead)

    response = client.get(dashboard_url(chapter))

    assert response.status_code == HTTPStatus.OK
    board = response.context["board"]
    assert board.total == 3  # two rolled up, one in the live tail; not the other chapter's
    body = response.content.decode()
    assert "Staffer said no position" in body
    assert "Other chapter&#x27;s secret" not in body
    assert "Other chapter's secret" not in body
    assert "vendor/chartjs/chart.umd.min.js" in body
    assert response["X-Frame-Options"] == "DENY"


def test_staff_see_any_chapters_dashboard(client, calls, chapter, staff_with_totp):
    client.force_login(staff_with_totp)

    response = client.get(dashboard_url(chapter))

    assert response.status_code == HTTPStatus.OK
    assert response.context["board"].total == 3


def test_the_dashboard_uses_at_most_ten_queries(client, calls, chapter, chapter_lead, django_assert_max_num_queries):
    client.force_login(chapter_lead)

    with django_assert_max_num_queries(10):
        response = client.get(dashboard_url(chapter))

    assert response.status_code == HTTPStatus.OK


def test_a_bad_date_range_is_ignored_with_a_message_not_an_error(client, calls, chapter, chapter_lead):
    client.force_login(chapter_lead)

    response = client.get(dashboard_url(chapter), {"start": "last tuesday", "end": "2026-99-01"})

    assert response.status_code == HTTPStatus.OK
    assert response.context["board"].total == 3
    assert "Ignored the start date" in response.content.decode()


def test_older_notes_come_a_page_at_a_time(client, national_campaign, chapter, chapter_lead, offices):
    for n in range(25):
        CallLogFactory(campaign=national_campaign, chapter=chapter, office=offices["doj"], note=f"note number {n}")
    client.force_login(chapter_lead)

    first = client.get(dashboard_url(chapter))
    next_before = first.context["next_before"]
    second = client.get(dashboard_url(chapter), {"notes_before": next_before}, headers={"HX-Request": "true"})

    assert len(first.context["notes"]) == 20
    assert [c.note for c in second.context["notes"]] == [f"note number {n}" for n in range(4, -1, -1)]
    assert second.context["next_before"] is None
    assert "<html" not in second.content.decode()  # htmx gets only the partial


# --- CSV exports ----------------------------------------------------------------------------------
def read_csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_figures_export_has_every_figure(client, calls, chapter, chapter_lead):
    client.force_login(chapter_lead)

    response = client.get(reverse("tallies:chapter_export", kwargs={"slug": chapter.slug, "kind": "figures"}))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert rows[0] == ["figure", "key", "label", "calls"]
    assert ["total", "", "All calls", "3"] in rows
    assert ["outcome", "voicemail", "Left a voicemail", "1"] in rows
    assert {row[0] for row in rows} >= {"campaign", "office", "day", "member", "campaign_goal"}


def test_the_calls_export_streams_only_this_chapters_calls_and_defuses_formulas(client, calls, chapter, chapter_lead):
    client.force_login(chapter_lead)

    response = client.get(reverse("tallies:chapter_export", kwargs={"slug": chapter.slug, "kind": "calls"}))

    assert response.streaming
    rows = read_csv(response)
    assert len(rows) == 1 + 3
    notes = [row[-1] for row in rows[1:]]
    assert "'=HYPERLINK(evil)" in notes
    assert "Other chapter's secret" not in notes


def test_exports_follow_the_same_rules_as_the_dashboard(client, calls, chapter, volunteer):
    client.force_login(volunteer)

    for kind in ("figures", "calls"):
        url = reverse("tallies:chapter_export", kwargs={"slug": chapter.slug, "kind": kind})
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_an_unknown_export_is_not_found(client, chapter, chapter_lead):
    client.force_login(chapter_lead)

    assert client.get(f"{dashboard_url(chapter)}secrets.csv").status_code == HTTPStatus.NOT_FOUND


# --- staff dashboard ------------------------------------------------------------------------------
def test_the_staff_dashboard_is_for_staff_only(client, chapter_lead):
    client.force_login(chapter_lead)

    assert client.get(reverse("tallies:staff_dashboard")).status_code == HTTPStatus.FORBIDDEN
    url = reverse("tallies:staff_export", kwargs={"kind": "calls"})
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN


def test_staff_see_every_chapter_and_state(client, calls, staff_with_totp, django_assert_max_num_queries):
    client.force_login(staff_with_totp)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("tallies:staff_dashboard"))

    assert response.status_code == HTTPStatus.OK
    assert response.context["board"].total == 4
    body = response.content.decode()
    assert "By state" in body
    assert "Kansas City Callers" in body


def test_the_staff_calls_export_has_every_chapter(client, calls, staff_with_totp):
    client.force_login(staff_with_totp)

    rows = read_csv(client.get(reverse("tallies:staff_export", kwargs={"kind": "calls"})))

    assert len(rows) == 1 + 4


# --- public widget --------------------------------------------------------------------------------
def test_anyone_can_embed_a_national_campaigns_widget(client, calls, national_campaign):
    response = client.get(reverse("tallies:campaign_widget", kwargs={"slug": national_campaign.slug}))

    assert response.status_code == HTTPStatus.OK
    assert "X-Frame-Options" not in response
    assert response.context["figures"].total == 3
    assert "<strong>3</strong> calls of 10" in response.content.decode()


def test_a_draft_campaign_has_no_widget(client, national_campaign):
    Campaign.objects.filter(pk=national_campaign.pk).update(status=Campaign.Status.DRAFT)

    response = client.get(reverse("tallies:campaign_widget", kwargs={"slug": national_campaign.slug}))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_chapter_campaigns_widget_is_only_for_its_members(client, chapter_campaign, volunteer, other_member):
    url = reverse("tallies:campaign_widget", kwargs={"slug": chapter_campaign.slug})

    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(other_member)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(volunteer)
    assert client.get(url).status_code == HTTPStatus.OK


# --- my impact ------------------------------------------------------------------------------------
def test_my_impact_needs_a_login(client):
    response = client.get(reverse("tallies:impact"))

    assert response.status_code == HTTPStatus.FOUND


def test_my_impact_shows_only_my_calls(client, calls, volunteer, other_member):
    client.force_login(other_member)

    response = client.get(reverse("tallies:impact"))

    assert response.status_code == HTTPStatus.OK
    assert response.context["impact"].total == 1
    assert "week" in response.content.decode()


def test_a_dashboard_read_right_after_a_call_is_exact(
    client, national_campaign, chapter, chapter_lead, offices, volunteer
):
    client.force_login(chapter_lead)
    for n in range(1, 4):
        CallLogFactory(campaign=national_campaign, chapter=chapter, office=offices["doj"], user=volunteer)

        assert client.get(dashboard_url(chapter)).context["board"].total == n


def test_the_figures_export_lists_every_member_not_only_the_top_ones(
    client, national_campaign, chapter, chapter_lead, offices, monkeypatch
):
    from tallies.selectors import dashboard
    from tests.factories.accounts import UserFactory

    monkeypatch.setattr(dashboard, "TOP_MEMBERS", 2)
    for _ in range(3):
        CallLogFactory(campaign=national_campaign, chapter=chapter, office=offices["doj"], user=UserFactory())
    client.force_login(chapter_lead)

    page = client.get(dashboard_url(chapter))
    rows = read_csv(client.get(reverse("tallies:chapter_export", kwargs={"slug": chapter.slug, "kind": "figures"})))

    assert page.context["board"].members_total == 3
    assert len(page.context["board"].by_member) == 2
    assert len([row for row in rows if row[0] == "member"]) == 3


# --- query budget on every cache path -----------------------------------------------------------
@pytest.mark.parametrize("dashboard", ["chapter", "staff"])
def test_both_dashboards_stay_within_ten_queries_cold_warm_and_after_a_rollup(
    client,
    calls,
    chapter,
    chapter_lead,
    staff_with_totp,
    national_campaign,
    offices,
    dashboard,
    django_assert_max_num_queries,
):
    from django.core.cache import cache

    cache.clear()
    if dashboard == "chapter":
        client.force_login(chapter_lead)
        url, expected = dashboard_url(chapter), [3, 3, 4]
    else:
        client.force_login(staff_with_totp)
        url, expected = reverse("tallies:staff_dashboard"), [4, 4, 5]
    totals = []
    for step in ("cold", "warm", "after a rollup and a new call"):
        if step.startswith("after"):
            rollup_calls()
            CallLogFactory(campaign=national_campaign, chapter=chapter, office=offices["doj"])
        with django_assert_max_num_queries(10):
            response = client.get(url)
        assert response.status_code == HTTPStatus.OK, step
        totals.append(response.context["board"].total)

    assert totals == expected


def test_a_note_shows_its_caller_outcome_office_campaign_and_the_chapters_time(
    client, calls, chapter, chapter_lead, volunteer
):
    chapter.time_zone = "UTC"
    chapter.save()
    client.force_login(chapter_lead)

    body = client.get(dashboard_url(chapter)).content.decode()

    assert (
        f"{volunteer.display_name} · Reached a person · Attorney General of Missouri · Oppose excessive sentencing"
        in body
    )
    assert 'datetime="20' in body
    assert "+00:00" in body
    assert " UTC</time>" in body


def test_a_note_from_a_deleted_account_still_shows(client, national_campaign, chapter, chapter_lead, offices):
    CallLogFactory(campaign=national_campaign, chapter=chapter, office=offices["doj"], user=None, note="Anonymous now")
    client.force_login(chapter_lead)

    body = client.get(dashboard_url(chapter)).content.decode()

    assert "Anonymous now" in body
    assert "Deleted account · " in body


def test_the_chart_names_its_series_in_the_page_language(client, calls, chapter, chapter_lead):
    client.force_login(chapter_lead)

    english = client.get(dashboard_url(chapter), HTTP_ACCEPT_LANGUAGE="en")
    spanish = client.get(dashboard_url(chapter), HTTP_ACCEPT_LANGUAGE="es")

    assert english.context["chart_data"]["series_label"] == "Calls"
    assert spanish.context["chart_data"]["series_label"] == "Llamadas"
    assert '"series_label": "Llamadas"' in spanish.content.decode()  # what static/js/tallies-chart.js reads
