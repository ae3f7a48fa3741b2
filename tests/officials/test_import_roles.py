"""--roles of the executive import commands: the chosen roles only; a misspelt one is refused."""

import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from officials.importers import import_divisions
from officials.models import Office, OfficeRole
from officials.services import DEMO_DATA_DIR

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo_dir(db, tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DEMO_DATA_DIR, target)
    import_divisions(source=target)
    return target


def executive_roles() -> set[str]:
    return set(
        Office.objects.filter(
            role__in=[OfficeRole.GOVERNOR, OfficeRole.ATTORNEY_GENERAL, OfficeRole.SECRETARY_OF_STATE]
        ).values_list("role", flat=True)
    )


def run(*args):
    call_command(*args, "--no-progress", stdout=StringIO(), stderr=StringIO())


def test_without_roles_every_role_is_imported(demo_dir):
    run("import_state_executives", str(demo_dir / "state-executives.csv"))

    # The Missouri extract lists a governor and an attorney general.
    assert executive_roles() == {OfficeRole.GOVERNOR, OfficeRole.ATTORNEY_GENERAL}


@pytest.mark.parametrize("spelling", ["Governor", "governor", "GOVERNOR", " governor "])
def test_roles_governor_in_any_case_imports_only_the_governor(demo_dir, spelling):
    run("import_state_executives", str(demo_dir / "state-executives.csv"), "--roles", spelling)

    assert executive_roles() == {OfficeRole.GOVERNOR}


def test_several_roles_as_in_the_file_or_with_underscores(demo_dir):
    run(
        "import_state_executives",
        str(demo_dir / "state-executives.csv"),
        "--roles",
        "Attorney General",
        "secretary_of_state",
    )

    assert executive_roles() == {OfficeRole.ATTORNEY_GENERAL}


def test_a_misspelt_role_is_refused_and_nothing_is_imported(demo_dir):
    with pytest.raises(CommandError, match="invalid choice: 'govenor'"):
        run("import_state_executives", str(demo_dir / "state-executives.csv"), "--roles", "govenor")

    assert executive_roles() == set()


@pytest.mark.parametrize(
    "command", ["import_state_executives", "import_openstates_executives"], ids=["csv", "openstates"]
)
@pytest.mark.parametrize("roles", [["govenor"], ["governor,attorney general"], ["governor", "mayor"]])
def test_from_the_command_line_a_bad_role_exits_2_with_the_choices(tmp_path, command, roles):
    completed = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", command, str(tmp_path), "--roles", *roles],
        cwd=REPO,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 2, completed.stderr
    assert "argument --roles: invalid choice" in completed.stderr
    assert "'attorney general', 'governor', 'secretary of state'" in completed.stderr
