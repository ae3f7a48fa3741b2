"""Shared set-up for the tally benchmarks: Django on a PostgreSQL bench database, created if missing."""

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/adv_bench_tallies"


def setup_django(url: str | None = None) -> str:
    """Point Django at the bench database (DATABASE_URL, else the default), create and migrate it."""
    url = url or os.environ.get("DATABASE_URL") or DEFAULT_URL
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
    os.environ.pop("REDIS_URL", None)  # measure the database, not a cache
    sys.path.insert(0, str(ROOT))
    _create_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def _create_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def median(values: list[float]) -> float:
    return statistics.median(values)


def small_url(url: str) -> str:
    """The same-run baseline lives in its own database next to the big one."""
    return url + "_100k"


def use_database(url: str) -> None:
    """Switch this process's default connection to another bench database (created and migrated if missing)."""
    from django.core.management import call_command
    from django.db import connections

    _create_database(url)
    conn = connections["default"]
    conn.close()
    conn.settings_dict["NAME"] = url.rpartition("/")[2]
    call_command("migrate", verbosity=0)


def call_count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM tallies_calllog")
        return cursor.fetchone()[0]
