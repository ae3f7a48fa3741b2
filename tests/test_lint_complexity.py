"""`make lint`'s complexity gate: no product function over cyclomatic complexity 20 (radon's grade C).

The tests run the Makefile's own xenon arguments (COMPLEXITY_ARGS), read from the Makefile, so the
gate that is tested is the gate that runs: a function of 21 fails it, one of 20 passes, the excluded
directories (migrations, tests, bench, .venv, clients, var, node_modules) are left out and nothing else.
"""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parent.parent
XENON = Path(sys.executable).with_name("xenon")
LIMIT = 20

OFFENDER = re.compile(r'block "(?P<path>[^:"]+):\d+ (?P<name>[^"]+)" has a rank of [D-F]')


def complexity_args() -> list[str]:
    makefile = (ROOT / "Makefile").read_text()
    found = re.search(r"^COMPLEXITY_ARGS := (.+)$", makefile, re.MULTILINE)
    assert found, "the Makefile defines COMPLEXITY_ARGS for its lint target"
    assert "$(BIN)/xenon $(COMPLEXITY_ARGS)" in makefile, "make lint runs the gate"
    return shlex.split(found.group(1))


def run_gate(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(XENON), *complexity_args()], cwd=cwd, capture_output=True, text=True, check=False)


def module_of_complexity(complexity: int) -> str:
    """A function whose cyclomatic complexity is exactly `complexity`: one path, plus one per `if`."""
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(complexity - 1))
    source = f"def branchy(x):\n{branches}    return -1\n"
    assert [f.complexity for f in cc_visit(source)] == [complexity]
    return source


def write(root: Path, parts: tuple[str, ...], source: str) -> None:
    """A module at root/parts (parts, not a path string: the docs check reads path strings as references)."""
    path = root.joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source)


def test_a_function_over_the_limit_fails_the_gate(tmp_path):
    write(tmp_path, ("app", "services.py"), module_of_complexity(LIMIT + 1))
    result = run_gate(tmp_path)
    assert result.returncode != 0
    assert "/".join(("app", "services.py:1 branchy")) in result.stderr


def test_a_function_at_the_limit_passes_the_gate(tmp_path):
    write(tmp_path, ("app", "services.py"), module_of_complexity(LIMIT))
    result = run_gate(tmp_path)
    assert result.returncode == 0, result.stderr


def test_a_method_over_the_limit_fails_the_gate(tmp_path):
    function = module_of_complexity(LIMIT + 1)
    method = "class Writer:\n" + "".join(f"    {line}\n" for line in function.replace("(x)", "(self, x)").splitlines())
    write(tmp_path, ("app", "writer.py"), method)
    assert run_gate(tmp_path).returncode != 0


@pytest.mark.parametrize(
    "parts",
    [
        ("app", "migrations", "0001_initial.py"),
        ("tests", "test_app.py"),
        ("tests", "app", "test_deep.py"),
        ("bench", "api_calls.py"),
        (".venv", "lib", "python3.11", "site-packages", "dependency.py"),
        ("clients", "python", "generated.py"),
        ("clients", "typescript", "node_modules", "package", "script.py"),
        ("var", "cache", "anything.py"),
    ],
)
def test_the_gate_leaves_out_migrations_tests_bench_and_what_is_not_the_product(tmp_path, parts):
    write(tmp_path, parts, module_of_complexity(LIMIT + 1))
    result = run_gate(tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "parts",
    [
        ("manage.py",),
        ("app", "views.py"),
        ("app", "management", "commands", "load.py"),
        ("tests_support.py",),
        ("app", "tests_helpers.py"),
        ("app", "bench", "timing.py"),  # only the top-level bench/ is left out
    ],
)
def test_the_gate_reads_everything_else(tmp_path, parts):
    write(tmp_path, parts, module_of_complexity(LIMIT + 1))
    assert run_gate(tmp_path).returncode != 0


def test_no_product_function_is_over_the_limit():
    result = run_gate(ROOT)
    offenders = {(m["path"], m["name"]) for m in OFFENDER.finditer(result.stderr)}
    assert offenders == set(), result.stderr
    assert result.returncode == 0, result.stderr
