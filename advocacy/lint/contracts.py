"""A custom import-linter contract (run by `make lint`): views and private names stay private.

- Another app's `views` module (a page's or an API's) is imported only by URL configurations:
  the rules a view applies live in selectors and services, where every caller can reach them.
- A name beginning with `_` is not imported from another module, and a module beginning with
  `_` is imported only from inside its own package.

The forbidden contracts of import-linter work on modules, not on the names imported from them,
so this one reads the imports itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output

URLCONF_SUFFIXES = ("urls",)  # urls.py, api_urls.py, calls_urls.py


def _is_private(segment: str) -> bool:
    return segment.startswith("_") and not segment.startswith("__")


def _module_file(module: str) -> Path | None:
    base = Path.cwd().joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = importer.split(".")
    if not is_package:
        parts = parts[:-1]
    if node.level > 1:
        parts = parts[: len(parts) - (node.level - 1)]
    return ".".join(parts + ([node.module] if node.module else []))


def _imports(module: str) -> list[tuple[int, str, str | None]]:
    """(line, imported module, imported name or None) for every import statement in the module."""
    path = _module_file(module)
    if path is None:
        return []
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(module, path.name == "__init__.py", node)
            found += [(node.lineno, source, alias.name) for alias in node.names]
    return found


def _problem(importer: str, line: int, source: str, name: str | None, roots: set[str]) -> str | None:
    if source.split(".")[0] not in roots:
        return None
    target = f"{source}.{name}" if name else source
    other_app = importer.split(".")[0] != source.split(".")[0]
    is_views = "views" in (target.split(".")[-1], source.split(".")[-1])
    if other_app and is_views and not importer.split(".")[-1].endswith(URLCONF_SUFFIXES):
        return f"{importer} (l.{line}) imports {target}: another app's views are imported only by URL configurations"
    if name and _is_private(name) and _module_file(target) is None:
        return f"{importer} (l.{line}) imports the private name {name} from {source}"
    segments = target.split(".")
    for depth, segment in enumerate(segments):
        if _is_private(segment):
            package = ".".join(segments[:depth])
            if not (importer == package or importer.startswith(package + ".")):
                return f"{importer} (l.{line}) imports the private module {'.'.join(segments[: depth + 1])}"
    return None


class PrivateImportsContract(Contract):
    type_name = "private_imports"

    source_modules = fields.ListField(subfield=fields.ModuleField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        roots = {m.name for m in self.source_modules}  # type: ignore[attr-defined]
        problems = []
        for module in sorted(graph.modules):
            if module.split(".")[0] not in roots:
                continue
            for line, source, name in _imports(module):
                problem = _problem(module, line, source, name, roots)
                if problem:
                    problems.append(problem)
        return ContractCheck(kept=not problems, metadata={"problems": problems})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for problem in check.metadata["problems"]:
            output.print_error(f"- {problem}", bold=False)
            output.new_line()
