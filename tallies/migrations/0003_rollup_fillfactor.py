"""Room on each page of the tally tables for in-place (HOT) updates.

Every rollup updates the same rows again (a chapter's members, its day); with free space on
the page PostgreSQL rewrites the row without touching the indexes, and frequent autovacuum
keeps that space free. PostgreSQL only; other databases skip this.
"""

from django.db import migrations

TABLES = [
    "tallies_campaigntally",
    "tallies_chaptertally",
    "tallies_chapterofficetally",
    "tallies_chaptermembertally",
    "tallies_dailychaptertally",
    "tallies_dailytally",
    "tallies_rollupstate",
]
SETTINGS = "fillfactor = 50, autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000"


def tune(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} SET ({SETTINGS})")


def untune(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} RESET (fillfactor, autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold)"
        )


class Migration(migrations.Migration):
    dependencies = [("tallies", "0002_rollups")]

    operations = [migrations.RunPython(tune, untune)]
