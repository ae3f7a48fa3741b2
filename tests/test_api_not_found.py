"""Under local settings (DEBUG on), an API URL that matches no route still answers the API's JSON 404."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/campaigns/not a slug!/",
        "/api/v1/campaigns/%C3%A9t%C3%A9/tally/",
        "/api/v1/chapters/x.y/",
        "/api/v1/officials/abc/",
        "/api/v1/nothing-here/",
    ],
)
@pytest.mark.parametrize("debug", [True, False])
def test_an_unrouted_api_path_answers_the_json_error_shape(client, settings, path, debug):
    settings.DEBUG = debug

    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"


def test_a_page_that_is_not_found_stays_html_with_debug_on(client, settings):
    settings.DEBUG = True

    response = client.get("/campaigns/not a slug!/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
