"""The codebase's own rules, checked: import boundaries, module size, one fail-soft cache, live file references.

docs/architecture.md explains each. The import contracts also run in `make lint`; here they run
with the suite, so a broken boundary fails `make test` too.
"""

import ast
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from advocacy.lint import contracts

ROOT = Path(__file__).resolve().parent.parent
APPS = ["accounts", "officials", "targetlists", "campaigns", "tallies", "reminders", "rally", "advocacy"]
SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])
MAX_MODULE_LINES = 420  # "about 400": split a module by concern before it outgrows one reading


def app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def code_modules():
    """The apps' code (settings are configuration, read by section, not as one piece of logic)."""
    return (p for p in app_modules() if "settings" not in p.parts)


def test_the_import_contracts_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-4000:]


@pytest.mark.parametrize(
    ("importer", "source", "name", "broken"),
    [
        ("tallies.api.views", "tallies.views", "_public_campaign", True),  # a private name
        ("rally.services", "reminders.services", "_deliver", True),
        ("tallies.api.views", "campaigns.views", "campaign_detail", True),  # another app's views
        ("tallies.urls", "tallies.views", None, False),
        ("campaigns.urls", "tallies.views", None, False),  # URL configurations may
        ("officials.management.commands.import_congress", "officials.management.commands._base", None, False),
        ("tallies.services", "officials.management.commands._base", None, True),  # a private module
        ("tallies.views", "campaigns.selectors", "campaign_get_for_tally", False),
    ],
)
def test_the_private_imports_contract_tells_a_private_or_view_import(importer, source, name, broken):
    problem = contracts._problem(importer, 1, source, name, set(APPS))  # noqa: SLF001 - the contract's own rule
    assert (problem is not None) == broken


def test_no_app_module_outgrows_one_reading():
    long = {
        str(p.relative_to(ROOT)): n for p in code_modules() if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def _catches_everything(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(n, ast.Name) and n.id in ("Exception", "BaseException") for n in names)


def _touches_cache(nodes) -> bool:
    for node in nodes:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == "cache":
                return True
    return False


def test_no_call_site_catches_cache_errors_itself():
    """advocacy/cache.py keeps Redis failures soft; a second layer at the call sites would hide real bugs."""
    offenders = []
    for path in app_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Try) and _touches_cache(node.body) and any(map(_catches_everything, node.handlers)):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


# Paths in the data layout (../shared/data or a --source-dir), not in the repository.
DATA_LAYOUT = ("congress-legislators/", "ocd-divisions/", "state-executives/", "zip-districts/", "people-main/")
PATH_IN_TEXT = re.compile(r"(?<![\w/.<-])((?:[\w.-]+/)+[\w.-]+\.(?:py|md|html|txt|csv|yaml|yml|json|css|js))\b")


def test_comments_and_docs_point_only_at_files_that_exist():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    missing = []
    for name in tracked:
        path = ROOT / name
        if path.suffix not in (".py", ".md") or not path.exists():
            continue
        text = path.read_text(errors="ignore")
        for found in PATH_IN_TEXT.findall(text):
            if found.startswith(DATA_LAYOUT):
                continue
            candidates = [ROOT / found, ROOT / "templates" / found, ROOT / "static" / found, path.parent / found]
            # A file of an installed package (the profiles name Django's and DRF's own files).
            candidates += [SITE_PACKAGES / found, SITE_PACKAGES / "django" / "db" / found]
            # A static file that an installed app ships (htmx, in django-htmx).
            if not any(c.exists() for c in candidates) and not finders.find(found):
                missing.append(f"{name}: {found}")
    assert missing == []
    design = "".join(["DESIGN", ".md"])  # a planning document that is not in the repository
    assert [n for n in tracked if n.endswith((".py", ".md")) and design in (ROOT / n).read_text(errors="ignore")] == []


def _opens_a_cursor(path: Path) -> list[str]:
    """The lines where a module opens a database cursor or runs a statement on one."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"cursor", "execute", "executemany"}
    ]


def test_tallies_writes_sql_by_hand_only_in_its_sql_package():
    sql_package = ROOT / "tallies" / "sql"
    tallies = [p for p in app_modules() if p.is_relative_to(ROOT / "tallies")]
    outside = [line for p in tallies if not p.is_relative_to(sql_package) for line in _opens_a_cursor(p)]
    assert outside == [], "run hand-written SQL through tallies/sql/, not a cursor of your own"
    # The check sees the statements where they are meant to be.
    for name in ("reads.py", "writes.py", "rollup.py", "recount.py"):
        assert _opens_a_cursor(sql_package / name), name
