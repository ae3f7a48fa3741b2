"""manage.py import_target_list CHAPTER FILE --name ... [--dry-run]."""

import io

import pytest
from django.core.management import CommandError, call_command

from targetlists.models import TargetList, TargetListMember

from .conftest import ROWS, csv_bytes

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    err = io.StringIO()
    call_command("import_target_list", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imports_then_reimports_by_name(chapter, tmp_path):
    path = tmp_path / "aldermen.csv"
    path.write_bytes(csv_bytes(*ROWS))
    out, _ = run(chapter.slug, str(path), "--name", "St. Louis Board of Aldermen")
    assert "Imported 'St. Louis Board of Aldermen' for St. Louis Callers: 4 rows; 4 created" in out
    path.write_bytes(csv_bytes(*ROWS[:3]))
    out, _ = run(chapter.slug, str(path), "--name", "St. Louis Board of Aldermen")
    assert "Imported again" in out
    assert "1 retired" in out
    assert TargetList.objects.count() == 1
    assert TargetListMember.objects.current().count() == 3


def test_dry_run_writes_nothing(chapter, tmp_path):
    path = tmp_path / "aldermen.csv"
    path.write_bytes(csv_bytes(*ROWS))
    out, _ = run(chapter.slug, str(path), "--name", "Aldermen", "--dry-run")
    assert "Would import" in out
    assert "Dry run: nothing was written." in out
    assert not TargetList.objects.exists()


def test_a_bad_file_lists_every_problem_and_writes_nothing(chapter, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(*ROWS, "=1+1,Alderperson,,,,,,,,w9", "Bad Phone,Alderperson,,123,,,,,,w8"))
    with pytest.raises(CommandError, match="2 problem"):
        run(chapter.slug, str(path), "--name", "Aldermen")
    assert not TargetList.objects.exists()


def test_unknown_chapter_and_file(chapter, tmp_path):
    with pytest.raises(CommandError, match="No chapter"):
        run("nope", str(tmp_path / "x.csv"), "--name", "A")
    with pytest.raises(CommandError, match="no such file"):
        run(chapter.slug, str(tmp_path / "x.csv"), "--name", "A")
