"""A dashboard's figures are gathered at most once per DASHBOARD_FIGURES_MAX_AGE seconds, and say when."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from tallies.views import snapshots
from tests.factories.tallies import CallLogFactory


@pytest.fixture(autouse=True)
def _fresh_snapshots():
    snapshots.clear()
    yield
    snapshots.clear()


def dashboard_url(chapter):
    return reverse("tallies:chapter_dashboard", kwargs={"slug": chapter.slug})


def test_refreshes_within_the_window_reuse_the_figures_without_a_query_for_them(
    client, settings, national_campaign, chapter, chapter_lead, offices, volunteer, django_assert_max_num_queries
):
    settings.DASHBOARD_FIGURES_MAX_AGE = 60
    client.force_login(chapter_lead)
    CallLogFactory(campaign=national_campaign, chapter=chapter, office=offices["doj"], user=volunteer)
    first = client.get(dashboard_url(chapter))
    CallLogFactory(campaign=national_campaign, chapter=chapter, office=offices["doj"], user=volunteer)

    # The session, the user, the chapter and the lead check: none of the figures' queries.
    with django_assert_max_num_queries(4):
        again = client.get(dashboard_url(chapter))

    assert first.context["board"].total == again.context["board"].total == 1
    stamp = re.search(r"Exact as of (\d\d:\d\d:\d\d) \(", again.content.decode())
    assert stamp is not None, "the page must say when its figures were gathered"
    assert stamp.group(1) == first.context["computed_at"]


def test_after_the_window_the_figures_are_gathered_again(
    client, settings, national_campaign, chapter, chapter_lead, offices, volunteer, monkeypatch
):
    settings.DASHBOARD_FIGURES_MAX_AGE = 2
    clock = [1000.0]
    monkeypatch.setattr(snapshots.time, "monotonic", lambda: clock[0])
    client.force_login(chapter_lead)
    CallLogFactory(campaign=national_campaign, chapter=chapter, office=offices["doj"], user=volunteer)
    assert client.get(dashboard_url(chapter)).context["board"].total == 1
    CallLogFactory(campaign=national_campaign, chapter=chapter, office=offices["doj"], user=volunteer)

    clock[0] += 1.9
    assert client.get(dashboard_url(chapter)).context["board"].total == 1
    clock[0] += 0.2
    assert client.get(dashboard_url(chapter)).context["board"].total == 2


def test_each_chapter_range_and_language_has_its_own_figures(
    client, settings, national_campaign, chapter, other_chapter, chapter_lead, staff_with_totp, offices, volunteer
):
    settings.DASHBOARD_FIGURES_MAX_AGE = 60
    CallLogFactory(campaign=national_campaign, chapter=chapter, office=offices["doj"], user=volunteer)
    client.force_login(staff_with_totp)
    assert client.get(dashboard_url(chapter)).context["board"].total == 1

    assert client.get(dashboard_url(other_chapter)).context["board"].total == 0
    assert client.get(dashboard_url(chapter), {"start": "1990-01-01", "end": "1990-12-31"}).context["board"].total == 0
    spanish = client.get(dashboard_url(chapter), headers={"accept-language": "es"})
    assert spanish.status_code == HTTPStatus.OK
    assert "Exacto a las" in spanish.content.decode()


def test_with_zero_every_load_gathers_the_figures(
    client, settings, national_campaign, chapter, chapter_lead, offices, volunteer
):
    settings.DASHBOARD_FIGURES_MAX_AGE = 0
    client.force_login(chapter_lead)
    for n in (1, 2):
        CallLogFactory(campaign=national_campaign, chapter=chapter, office=offices["doj"], user=volunteer)
        assert client.get(dashboard_url(chapter)).context["board"].total == n


def widget_url(campaign):
    return reverse("tallies:campaign_widget", kwargs={"slug": campaign.slug})


def test_the_public_widget_is_rendered_once_per_window_for_visitors_and_every_time_for_members(
    client, settings, national_campaign, chapter, offices, volunteer, django_assert_num_queries
):
    settings.DASHBOARD_FIGURES_MAX_AGE = 60
    CallLogFactory(campaign=national_campaign, chapter=chapter, office=offices["doj"], user=volunteer)
    first = client.get(widget_url(national_campaign))
    CallLogFactory(campaign=national_campaign, chapter=chapter, office=offices["doj"], user=volunteer)

    with django_assert_num_queries(0):
        again = client.get(widget_url(national_campaign))

    assert again.status_code == HTTPStatus.OK
    assert again.content == first.content
    assert again["Cache-Control"] == "public, max-age=10"
    client.force_login(volunteer)
    assert client.get(widget_url(national_campaign)).context["figures"].total == 2
