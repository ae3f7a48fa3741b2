"""A batch item has one definition: BatchCallInputSerializer. parse_item, its fast hand-written check, agrees with it."""

import pytest

from tallies.api.serializers import BatchCallInputSerializer, CallCreateInputSerializer
from tallies.batch import ItemError, parse_item

GOOD = {"campaign": "demo", "action": 1, "office": 2, "outcome": "reached", "idempotency_key": "k-1"}

ITEMS = [
    GOOD,
    {**GOOD, "note": "  They were polite  "},
    {**GOOD, "note": ""},
    {**GOOD, "note": None},
    {**GOOD, "client_timestamp": "2017-03-01T14:30:00Z"},
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
    {**GOOD, "idempotency_key": "x" * 101},
    {k: v for k, v in GOOD.items() if k != "idempotency_key"},
    {k: v for k, v in GOOD.items() if k != "outcome"},
    {k: v for k, v in GOOD.items() if k != "campaign"},
]


def fast_accepts(item) -> bool:
    try:
        parse_item(item)
    except ItemError:
        return False
    return True


@pytest.mark.parametrize("item", ITEMS)
def test_parse_item_accepts_exactly_what_the_batch_item_serializer_accepts(item):
    assert fast_accepts(item) == BatchCallInputSerializer(data=item).is_valid()


def test_a_batch_item_is_one_calls_input_plus_its_key():
    item_fields = set(BatchCallInputSerializer().fields)
    assert item_fields == set(CallCreateInputSerializer().fields) | {"idempotency_key"}


def test_parsed_values_match_the_serializers():
    item = {**GOOD, "note": "  They were polite  ", "action": "7", "client_timestamp": "2017-03-01T09:30:00-05:00"}
    parsed = parse_item(item)
    serializer = BatchCallInputSerializer(data=item)
    assert serializer.is_valid()
    assert parsed.note == serializer.validated_data["note"]
    assert parsed.action == serializer.validated_data["action"]
    assert parsed.client_timestamp == serializer.validated_data["client_timestamp"]
