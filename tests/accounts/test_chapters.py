import time
from http import HTTPStatus
from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse

from accounts.join_links import chapter_join_token_make
from accounts.models import Membership
from tests.factories.accounts import ChapterFactory, MembershipFactory, UserFactory


def _join_url(chapter):
    return reverse("chapter_join", args=[chapter_join_token_make(chapter=chapter)])


def test_chapter_list_shows_each_of_my_chapters_with_my_role(client, volunteer, chapter):
    other = ChapterFactory(name="Kansas City Callers")
    MembershipFactory(user=volunteer, chapter=other, role=Membership.Role.LEAD)
    ChapterFactory(name="Not Mine")
    client.force_login(volunteer)

    response = client.get(reverse("chapter_list"))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "St. Louis Callers" in html
    assert "Kansas City Callers" in html
    assert "Not Mine" not in html
    assert html.count(">Lead<") == 1
    assert html.count(">Member<") == 1


def test_chapter_list_makes_a_constant_number_of_queries(client, volunteer, django_assert_max_num_queries):
    for n in range(5):
        MembershipFactory(user=volunteer, chapter=ChapterFactory(name=f"Chapter {n}"))
    client.force_login(volunteer)
    with django_assert_max_num_queries(6):
        client.get(reverse("chapter_list"))


def test_a_member_sees_the_chapter_but_neither_members_nor_join_link(client, volunteer, chapter_lead, chapter):
    client.force_login(volunteer)
    response = client.get(reverse("chapter_detail", args=[chapter.slug]))
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "St. Louis Callers" in html
    assert "Lee Lead" not in html
    assert "/chapters/join/" not in html


def test_a_member_gets_403_from_the_member_list(client, volunteer, chapter):
    client.force_login(volunteer)
    response = client.get(reverse("chapter_members", args=[chapter.slug]))
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_a_lead_sees_the_member_list_with_name_role_and_join_date(client, volunteer, chapter_lead, chapter):
    client.force_login(chapter_lead)
    for url in (reverse("chapter_detail", args=[chapter.slug]), reverse("chapter_members", args=[chapter.slug])):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == HTTPStatus.OK
        assert "Val Volunteer" in html
        assert "Lee Lead" in html
        assert 'datetime="' in html


def test_a_lead_of_another_chapter_cannot_see_this_member_list(client, chapter, volunteer):
    other_lead = UserFactory(name="Other Lead")
    MembershipFactory(user=other_lead, chapter=ChapterFactory(name="Elsewhere"), role=Membership.Role.LEAD)
    client.force_login(other_lead)
    assert client.get(reverse("chapter_members", args=[chapter.slug])).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("chapter_detail", args=[chapter.slug])).status_code == HTTPStatus.NOT_FOUND


def test_anonymous_visitors_are_sent_to_log_in_instead_of_seeing_a_member_list(client, chapter, chapter_lead):
    for name in ("chapter_detail", "chapter_members"):
        response = client.get(reverse(name, args=[chapter.slug]))
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("account_login"))


def test_a_lead_gets_a_join_link_that_works(client, chapter_lead, chapter):
    client.force_login(chapter_lead)
    html = client.get(reverse("chapter_detail", args=[chapter.slug])).content.decode()
    start = html.index("http://testserver/chapters/join/")
    join_url = html[start : html.index('"', start)].removeprefix("http://testserver")

    newcomer = UserFactory()
    client.force_login(newcomer)
    assert client.get(join_url).status_code == HTTPStatus.OK
    client.post(join_url)
    assert Membership.objects.filter(user=newcomer, chapter=chapter, role=Membership.Role.MEMBER).exists()


def test_a_valid_join_link_shows_the_chapter_and_joins_on_post(client, chapter):
    user = UserFactory()
    client.force_login(user)
    url = _join_url(chapter)

    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert b"Join St. Louis Callers" in page.content
    assert not Membership.objects.filter(user=user).exists(), "a GET must not join"

    response = client.post(url)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("chapter_detail", args=[chapter.slug])
    assert Membership.objects.get(user=user, chapter=chapter).role == Membership.Role.MEMBER


def test_joining_twice_is_harmless_and_never_demotes_a_lead(client, chapter_lead, chapter):
    client.force_login(chapter_lead)
    url = _join_url(chapter)
    client.post(url)
    client.post(url)
    assert Membership.objects.filter(user=chapter_lead, chapter=chapter).get().role == Membership.Role.LEAD


def test_a_volunteer_can_join_several_chapters(client, volunteer, chapter):
    second = ChapterFactory(name="Kansas City Callers")
    client.force_login(volunteer)
    client.post(_join_url(second))
    assert set(volunteer.chapters.values_list("slug", flat=True)) == {chapter.slug, second.slug}


def test_an_anonymous_visitor_with_a_join_link_logs_in_then_comes_back(client, chapter):
    url = _join_url(chapter)
    response = client.get(url)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{reverse('account_login')}?next={url.replace(':', '%3A')}"

    user = UserFactory()
    login = client.post(
        f"{reverse('account_login')}?next={url}",
        {"login": user.email, "password": "correct horse battery staple", "next": url},
    )
    assert login["Location"] == url


def test_an_expired_join_link_gives_a_clear_410_page(client, chapter, settings):
    old = time.time() - settings.CHAPTER_JOIN_LINK_MAX_AGE - 60
    with mock.patch("django.core.signing.time.time", return_value=old):
        url = _join_url(chapter)
    client.force_login(UserFactory())

    response = client.get(url)

    assert response.status_code == HTTPStatus.GONE
    assert b"expired" in response.content
    assert client.post(url).status_code == HTTPStatus.GONE
    assert not Membership.objects.filter(chapter=chapter).exists()


def test_a_join_link_just_inside_its_lifetime_still_works(client, chapter, settings):
    recent = time.time() - settings.CHAPTER_JOIN_LINK_MAX_AGE + 60
    with mock.patch("django.core.signing.time.time", return_value=recent):
        url = _join_url(chapter)
    client.force_login(UserFactory())
    assert client.get(url).status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda chapter, other: chapter_join_token_make(chapter=chapter)[:-2] + "xx", id="bad-signature"),
        pytest.param(
            lambda chapter, other: chapter_join_token_make(chapter=chapter).replace(str(chapter.pk), str(other.pk), 1),
            id="other-chapter-id",
        ),
        pytest.param(lambda chapter, other: signing.TimestampSigner().sign(str(chapter.pk)), id="unsalted"),
        pytest.param(
            lambda chapter, other: signing.TimestampSigner(salt="something-else").sign(str(chapter.pk)),
            id="other-salt",
        ),
        pytest.param(lambda chapter, other: "garbage", id="garbage"),
    ],
)
def test_a_tampered_join_link_gives_a_clear_400_page_and_joins_nobody(client, chapter, make_token):
    other = ChapterFactory(name="Other Chapter")
    token = make_token(chapter, other)
    client.force_login(UserFactory())

    response = client.post(reverse("chapter_join", args=[token]))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"not valid" in response.content
    assert not Membership.objects.exists()


def test_a_lead_finds_the_chapter_dashboard_from_the_chapter_page(client, chapter, chapter_lead):
    client.force_login(chapter_lead)
    response = client.get(f"/chapters/{chapter.slug}/")
    assert f'href="/chapters/{chapter.slug}/dashboard/"'.encode() in response.content


def test_a_member_sees_no_dashboard_link(client, chapter, volunteer):
    client.force_login(volunteer)
    response = client.get(f"/chapters/{chapter.slug}/")
    assert b"/dashboard/" not in response.content
