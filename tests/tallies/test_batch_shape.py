"""A batch item is one call's input plus its key: the serializers and the batch parse with tallies.call_input."""

import pytest
from django.core.exceptions import ValidationError

from advocacy.errors import ApplicationError
from tallies.api.serializers import BatchCallInputSerializer, CallCreateInputSerializer
from tallies.call_input import parse_batch_item

GOOD = {"campaign": "demo", "action": 1, "office": 2, "outcome": "reached", "idempotency_key": "k-1"}

ITEMS = [
    GOOD,
    {**GOOD, "note": "  They were polite  "},
    {**GOOD, "note": ""},
    {**GOOD, "note": None},
    {**GOOD, "client_timestamp": None},
    {**GOOD, "action": "7"},
    {**GOOD, "campaign": "not a slug"},
    {**GOOD, "campaign": ""},
    {**GOOD, "action": 0},
    {**GOOD, "action": -3},
    {**GOOD, "action": True},
    {**GOOD, "action": 2**63},
    {**GOOD, "office": "x"},
    {**GOOD, "outcome": "shouted"},
    {**GOOD, "note": "x" * 1001},
    {**GOOD, "note": 5},
    {**GOOD, "note": "nul \x00 inside"},
    {**GOOD, "note": "lone \ud800 surrogate"},
    {**GOOD, "note": False},
    {**GOOD, "client_timestamp": "yesterday"},
    {**GOOD, "client_timestamp": "1850-01-01T00:00:00Z"},
    {**GOOD, "client_timestamp": "2017-13-01T00:00:00Z"},
    {**GOOD, "idempotency_key": ""},
    {**GOOD, "idempotency_key": "has space"},
    {**GOOD, "idempotency_key": "clé"},
    {**GOOD, "idempotency_key": "x" * 101},
    {k: v for k, v in GOOD.items() if k != "idempotency_key"},
    {k: v for k, v in GOOD.items() if k != "outcome"},
    {k: v for k, v in GOOD.items() if k != "campaign"},
]


def batch_accepts(item) -> bool:
    try:
        parse_batch_item(item)
    except (ValidationError, ApplicationError):  # malformed (400), or a time the clock refuses (422)
        return False
    return True


def serializer_accepts(serializer_class, data) -> bool:
    try:
        return serializer_class(data=data).is_valid()
    except ApplicationError:
        return False


@pytest.mark.parametrize("item", ITEMS)
def test_the_batch_accepts_exactly_what_the_batch_item_serializer_accepts(item):
    assert batch_accepts(item) == serializer_accepts(BatchCallInputSerializer, item)


@pytest.mark.parametrize("item", ITEMS)
def test_a_batch_item_without_its_key_is_judged_as_a_single_call(item):
    call = {k: v for k, v in item.items() if k != "idempotency_key"}
    single = serializer_accepts(CallCreateInputSerializer, call)
    assert batch_accepts({**call, "idempotency_key": "k-1"}) == single


def test_a_batch_item_is_one_calls_input_plus_its_key():
    item_fields = set(BatchCallInputSerializer().fields)
    assert item_fields == set(CallCreateInputSerializer().fields) | {"idempotency_key"}
