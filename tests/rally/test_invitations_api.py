"""The invitations API: list, create and revoke for a chapter's leads, with the page's limits."""

from http import HTTPStatus

import pytest

from rally.models import Invitation
from rally.services import invitations_create
from tests.factories.accounts import ChapterFactory

pytestmark = pytest.mark.django_db


def url(chapter, tail=""):
    return f"/api/v1/chapters/{chapter.slug}/invitations/{tail}"


def test_a_lead_invites_lists_and_revokes(token_client, chapter, chapter_lead, volunteer):
    client = token_client(chapter_lead)
    created = client.post(
        url(chapter), {"emails": ["New1@example.org", "new1+x@example.org", volunteer.email]}, format="json"
    )
    assert created.status_code == HTTPStatus.CREATED
    body = created.json()
    assert body["invited"] == ["new1@example.org"]
    assert body["members"] == [volunteer.email]
    assert body["limits"]["chapter"] == {"limit": 1000, "used": 1, "remaining": 999, "next_at": None}
    assert body["limits"]["lead"]["remaining"] == 499

    listed = client.get(url(chapter)).json()
    assert listed["count"] == 1
    invitation = listed["results"][0]
    assert invitation["email"] == "new1@example.org"
    assert invitation["status"] == "pending"

    revoked = client.post(url(chapter, f"{invitation['id']}/revoke/"))
    assert revoked.status_code == HTTPStatus.OK
    assert revoked.json()["status"] == "revoked"
    assert revoked.json()["revoked_at"]
    assert client.post(url(chapter, f"{invitation['id']}/revoke/")).status_code == HTTPStatus.OK


def test_over_the_limit_is_a_429_with_retry_after_and_the_numbers(token_client, chapter, chapter_lead, settings):
    settings.INVITATIONS_PER_LEAD_PER_DAY = 3
    client = token_client(chapter_lead)
    assert client.post(url(chapter), {"emails": ["a@example.org", "b@example.org"]}, format="json").status_code == 201
    refused = client.post(url(chapter), {"emails": ["c@example.org", "d@example.org"]}, format="json")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    error = refused.json()["error"]
    assert error["code"] == "invitation_limit_reached"
    assert "have 1 left now" in error["message"]
    assert 0 < int(refused["Retry-After"]) <= 24 * 3600
    assert Invitation.objects.count() == 2
    limits = client.get(url(chapter, "limits/")).json()
    assert limits["lead"]["remaining"] == 1
    assert limits["lead"]["next_at"] is None
    assert client.post(url(chapter), {"emails": ["c@example.org"]}, format="json").status_code == 201
    assert client.get(url(chapter, "limits/")).json()["lead"]["next_at"] is not None
    settings.INVITATIONS_PER_LEAD_PER_DAY = 1
    never = client.post(url(chapter), {"emails": ["e@example.org", "f@example.org"]}, format="json")
    assert never.status_code == HTTPStatus.BAD_REQUEST
    assert never.json()["error"]["code"] == "invitation_limit_exceeded"


def test_bad_input_is_a_400_and_writes_nothing(token_client, chapter, chapter_lead):
    client = token_client(chapter_lead)
    for body in ({"emails": []}, {"emails": ["not an address"]}, {"emails": ["a@b"]}, {}, {"emails": "a@example.org"}):
        response = client.post(url(chapter), body, format="json")
        assert response.status_code == HTTPStatus.BAD_REQUEST, body
        assert response.json()["error"]["code"] == "validation_error"
    too_many = client.post(url(chapter), {"emails": [f"a{i}@example.org" for i in range(501)]}, format="json")
    assert too_many.status_code == HTTPStatus.BAD_REQUEST
    assert Invitation.objects.count() == 0


def test_leads_only_and_another_chapter_is_a_404(token_client, api_client, chapter, chapter_lead, volunteer):
    other = ChapterFactory(name="Elsewhere", slug="elsewhere")
    invitations_create(chapter=other, addresses="x@example.org")
    theirs = Invitation.objects.get()
    lead = token_client(chapter_lead)
    member = token_client(volunteer)
    for client, path in (
        (lead, url(other)),
        (lead, url(other, "limits/")),
        (member, url(chapter)),
        (lead, "/api/v1/chapters/no-such-chapter/invitations/"),
    ):
        assert client.get(path).status_code == HTTPStatus.NOT_FOUND
    assert lead.post(url(other), {"emails": ["y@example.org"]}, format="json").status_code == HTTPStatus.NOT_FOUND
    assert lead.post(url(other, f"{theirs.pk}/revoke/")).status_code == HTTPStatus.NOT_FOUND
    assert lead.post(url(chapter, f"{theirs.pk}/revoke/")).status_code == HTTPStatus.NOT_FOUND
    assert lead.post(url(chapter, "9223372036854775807/revoke/")).status_code == HTTPStatus.NOT_FOUND
    assert lead.post(url(chapter, "99999999999999999999999/revoke/")).status_code == HTTPStatus.NOT_FOUND
    assert api_client.get(url(chapter)).status_code == HTTPStatus.UNAUTHORIZED
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_an_accepted_invitation_cannot_be_revoked(token_client, chapter, chapter_lead):
    invitations_create(chapter=chapter, addresses="x@example.org", user=chapter_lead)
    Invitation.objects.update(status=Invitation.Status.JOINED)
    response = token_client(chapter_lead).post(url(chapter, f"{Invitation.objects.get().pk}/revoke/"))
    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["error"]["code"] == "conflict"


def test_the_schema_states_the_rules(client):
    schema = client.get("/api/schema/?format=json").json()
    create = schema["paths"]["/api/v1/chapters/{slug}/invitations/"]["post"]
    assert set(create["responses"]) >= {"201", "400", "404", "429"}
    assert "Retry-After" in create["responses"]["429"]["headers"]
    body = schema["components"]["schemas"]["InvitationCreateInputRequest"]["properties"]["emails"]
    assert (body["minItems"], body["maxItems"]) == (1, 500)
    assert body["items"]["maxLength"] == 254
    assert body["items"]["pattern"].startswith("^")
    revoke = schema["paths"]["/api/v1/chapters/{slug}/invitations/{id}/revoke/"]["post"]
    (id_parameter,) = [p for p in revoke["parameters"] if p["name"] == "id"]
    assert id_parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
    assert "/api/v1/chapters/{slug}/invitations/limits/" in schema["paths"]
