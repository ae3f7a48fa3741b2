from http import HTTPStatus


def test_home_page_renders_for_anonymous_visitors(client, db):
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    assert b"Call the people who represent you" in response.content


def test_healthz_answers_ok(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
