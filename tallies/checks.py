"""System checks for the tallies' SQL: it has one PostgreSQL path and one SQLite path."""

from django.core.checks import Error, register
from django.db import connections

MIN_SQLITE = (3, 35)  # INSERT ... ON CONFLICT DO NOTHING RETURNING


@register("database")
def sqlite_version_check(app_configs=None, databases=None, **kwargs):
    errors = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "sqlite":
            continue
        version = connection.Database.sqlite_version_info
        if version < MIN_SQLITE:
            errors.append(
                Error(
                    f"SQLite {'.'.join(map(str, version))} is too old: the tallies need SQLite "
                    f"{'.'.join(map(str, MIN_SQLITE))} or newer (INSERT ... RETURNING), or PostgreSQL.",
                    id="tallies.E001",
                )
            )
    return errors
