"""tallies_calllog keeps only the indexes a query needs: every index is paid for by every logged call."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_no_single_column_index_copies_the_prefix_of_a_composite_one():
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's catalogue")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(a.attname ORDER BY k.ord) FROM pg_index i "
            "JOIN pg_class t ON t.oid = i.indrelid "
            "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
            "WHERE t.relname = 'tallies_calllog' GROUP BY i.indexrelid"
        )
        indexes = sorted(tuple(row[0]) for row in cursor.fetchall())

    assert indexes == sorted(
        [
            ("id",),
            ("user_id", "idempotency_key"),
            ("user_id", "created_at"),
            ("campaign_id", "created_at"),
            ("chapter_id", "created_at"),
            ("chapter_id", "id"),  # the callers' notes
            # One undo per call, and "is this call undone": partial (undo rows only), so a
            # logged call never writes to it.
            ("undoes_id",),
            # The PROTECT checks when an action, office or person is deleted; the office's also
            # serves the office report, read from the index alone (its INCLUDE columns last).
            ("action_id",),
            ("office_id", "campaign_id", "created_at", "user_id", "outcome", "chapter_id"),
            ("person_id",),
            ("contact_point_id",),  # partial: only calls that name their number (SET_NULL on delete)
        ]
    )
