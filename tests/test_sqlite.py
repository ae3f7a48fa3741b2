"""The tallies' SQL needs SQLite 3.35 (INSERT ... RETURNING) or PostgreSQL: a system check says so at migrate."""

from types import SimpleNamespace

from django.core.management import call_command

from tallies import checks


def fake_sqlite(version):
    return {"default": SimpleNamespace(vendor="sqlite", Database=SimpleNamespace(sqlite_version_info=version))}


def test_an_older_sqlite_fails_the_system_check_with_the_version_it_needs(monkeypatch):
    monkeypatch.setattr(checks, "connections", fake_sqlite((3, 34, 1)))
    errors = checks.sqlite_version_check(databases=["default"])
    assert [e.id for e in errors] == ["tallies.E001"]
    assert "3.34.1 is too old" in errors[0].msg
    assert "3.35" in errors[0].msg


def test_sqlite_from_3_35_passes(monkeypatch):
    monkeypatch.setattr(checks, "connections", fake_sqlite((3, 35, 0)))
    assert checks.sqlite_version_check(databases=["default"]) == []


def test_the_database_in_use_passes_the_check(db):
    call_command("check", "--database", "default")
