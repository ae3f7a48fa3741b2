"""One rule for "the database cannot be reached" (advocacy/db.py::database_unreachable), for the API and the pages.

The API's handler used to answer a 503 for any OperationalError (a deadlock or a cancelled
statement too) while the pages answered 503 only for a lost connection; the two messages and
Retry-After values differed.
"""

import pytest
from django.db import InterfaceError, OperationalError

from advocacy.db import UNREACHABLE_MESSAGE, UNREACHABLE_RETRY_AFTER_SECONDS, database_unreachable
from tests.bodies import same_answer

pytestmark = pytest.mark.django_db


class _Cause(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _operational(sqlstate):
    exc = OperationalError("boom")
    exc.__cause__ = _Cause(sqlstate) if sqlstate else None
    return exc


@pytest.mark.parametrize(
    ("exc", "unreachable"),
    [
        (_operational(None), True),
        (_operational("08006"), True),
        (_operational("57P01"), True),
        (InterfaceError("connection already closed"), True),
        (_operational("40P01"), False),  # a deadlock: the query's own, not an outage
        (_operational("57014"), False),  # a cancelled statement
        (ValueError("x"), False),
    ],
)
def test_the_rule(exc, unreachable):
    assert database_unreachable(exc) is unreachable


@pytest.mark.parametrize("sqlstate", [None, "40P01"])
def test_the_api_answers_503_only_when_the_database_is_unreachable(token_client, volunteer, monkeypatch, sqlstate):
    from tallies import selectors

    def failing(**kwargs):
        raise _operational(sqlstate)

    monkeypatch.setattr(selectors, "tally_impact", failing)
    api = token_client(volunteer)
    api.raise_request_exception = False

    response = api.get("/api/v1/me/impact/")

    if sqlstate is None:
        assert response.status_code == 503
        assert same_answer(response)["error"] == {"code": "service_unavailable", "message": str(UNREACHABLE_MESSAGE)}
        assert response["Retry-After"] == str(UNREACHABLE_RETRY_AFTER_SECONDS)
    else:
        assert response.status_code == 500
