from http import HTTPStatus

import pytest


def test_an_unknown_api_url_answers_in_the_api_error_shape(client, db):
    response = client.get("/api/v1/officials/0.5/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["error"]["code"] == "not_found"


def test_an_unknown_page_is_an_html_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"].startswith("text/html")


def test_the_api_still_answers_when_the_throttle_cache_is_down(volunteer, token_client, redis_down):
    response = token_client(volunteer).get("/api/v1/me/")
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("path", ["/api/v1/campaigns/", "/api/v1/officials/?state=MO"])
def test_api_lists_answer_anonymous_or_signed_in_without_a_server_error(client, db, path):
    assert client.get(path).status_code < HTTPStatus.INTERNAL_SERVER_ERROR
