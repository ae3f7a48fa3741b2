"""Domain errors are plain exceptions; the API and the pages map them to HTTP in one place each."""

from http import HTTPStatus

import pytest
from django.core.exceptions import BadRequest
from django.http import Http404
from django.test import RequestFactory

from advocacy import errors
from advocacy.api.exceptions import api_exception_handler
from advocacy.middleware import DomainErrorMiddleware
from campaigns.errors import CampaignNotFound
from campaigns.selectors import campaign_get_for_tally, campaign_get_visible
from tallies.services import IdempotencyKeyReused, TooManyCallsToOffice, ZipCodeRequired


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (errors.Conflict("Already sent today."), HTTPStatus.CONFLICT, "conflict"),
        (IdempotencyKeyReused(), HTTPStatus.UNPROCESSABLE_ENTITY, "idempotency_key_reused"),
        (ZipCodeRequired(), HTTPStatus.UNPROCESSABLE_ENTITY, "zip_code_required"),
        (errors.ApplicationError("Plain."), HTTPStatus.BAD_REQUEST, "invalid"),
    ],
)
def test_the_api_answers_a_domain_error_with_its_status_and_code(error, status, code):
    response = api_exception_handler(error, {})
    assert response.status_code == status
    assert response.data == {"error": {"code": code, "message": error.message}}


def test_a_domain_not_found_is_the_apis_plain_404():
    response = api_exception_handler(CampaignNotFound(), {})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.data == {"error": {"code": "not_found", "message": "Not found."}}


def test_a_domain_limit_is_a_429(settings):
    settings.CALLS_PER_OFFICE_PER_DAY = 3
    assert api_exception_handler(TooManyCallsToOffice(), {}).status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_pages_answer_domain_errors_with_the_same_statuses():
    middleware = DomainErrorMiddleware(lambda request: None)
    request = RequestFactory().get("/")
    with pytest.raises(Http404):
        middleware.process_exception(request, CampaignNotFound())
    with pytest.raises(BadRequest):
        middleware.process_exception(request, errors.ApplicationError("Plain."))
    assert middleware.process_exception(request, ZipCodeRequired()).status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    response = middleware.process_exception(request, errors.Conflict("Already sent today."))
    assert response.status_code == HTTPStatus.CONFLICT
    assert middleware.process_exception(request, ValueError("not ours")) is None


def test_domain_errors_are_not_web_exceptions():
    for error in (CampaignNotFound(), IdempotencyKeyReused(), ZipCodeRequired()):
        assert not isinstance(error, Http404)
        assert type(error).__module__.split(".")[0] in ("advocacy", "campaigns", "tallies")
        assert "rest_framework" not in [c.__module__.split(".")[0] for c in type(error).__mro__]


@pytest.mark.django_db
def test_campaign_selectors_raise_a_domain_not_found_never_http404(rf):
    from django.contrib.auth.models import AnonymousUser

    for lookup in (campaign_get_visible, campaign_get_for_tally):
        with pytest.raises(CampaignNotFound) as raised:
            lookup(slug="no-such-campaign", user=AnonymousUser())
        assert not isinstance(raised.value, Http404)
