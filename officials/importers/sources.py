"""Reading sources: a path or an http(s) URL, a CSV, a JSON or YAML list, a tree of files.

A tree is a local directory, a directory served over HTTP with an index page, or a .tar.gz
at a URL; every failure is an ImportFileError naming what could not be read.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tarfile
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import yaml

from .common import ImportFileError

# Some hosts (the Census among them) refuse Python's default agent; say who is asking.
USER_AGENT = "CallYourOfficials-refresh/1.0 (officials data refresh)"
_HREF_RE = re.compile(r"""href=["']([^"'?#]+)["']""", re.IGNORECASE)


def is_url(source) -> bool:
    return isinstance(source, str) and source.startswith(("http://", "https://"))


def read_source(source, *, optional: bool = False) -> bytes | None:
    """The bytes of a file or URL. With optional=True a missing one is None instead of an error."""
    if is_url(source):
        request = urllib.request.Request(source, headers={"User-Agent": USER_AGENT})  # noqa: S310 (scheme checked)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (scheme checked above)
                return response.read()
        except urllib.error.HTTPError as exc:
            if optional and exc.code == 404:
                return None
            raise ImportFileError(file=str(source), row=0, field="-", reason=f"HTTP {exc.code}") from exc
        except urllib.error.URLError as exc:
            raise ImportFileError(file=str(source), row=0, field="-", reason=f"cannot fetch: {exc.reason}") from exc
    path = Path(source)
    if not path.is_file():
        if optional:
            return None
        raise ImportFileError(file=str(source), row=0, field="-", reason="no such file")
    return path.read_bytes()


def join_source(base, name: str) -> str:
    if is_url(base):
        return urllib.parse.urljoin(base if base.endswith("/") else base + "/", name)
    return str(Path(base) / name)


def decode_text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(file=name, row=0, field="-", reason="not UTF-8 text") from exc


def csv_rows(data: bytes, name: str, expected: list[str] | None, *, required: list[str] | None = None):
    """(row number, dict) pairs. `expected` must be the header exactly; `required` a subset of it."""
    reader = csv.reader(io.StringIO(decode_text(data, name)))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportFileError(file=name, row=1, field="header", reason="the file is empty") from None
    if expected is not None and header != expected:
        raise ImportFileError(
            file=name, row=1, field="header", reason=f"expected columns {','.join(expected)}, got {','.join(header)}"
        )
    if required:
        missing = [c for c in required if c not in header]
        if missing:
            raise ImportFileError(file=name, row=1, field="header", reason=f"missing columns {', '.join(missing)}")
    rows = []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise ImportFileError(
                file=name, row=number, field="-", reason=f"{len(values)} values for {len(header)} columns"
            )
        rows.append((number, dict(zip(header, (v.strip() for v in values), strict=True))))
    return rows


def load_structured(base, stem: str, *, optional: bool = False) -> tuple[str, list] | None:
    """`<stem>.json`, else `<stem>.yaml`, under `base`: (file name, the list it holds).

    Congress snapshots ship JSON, older ones YAML only.
    """
    for ext in ("json", "yaml"):
        name = join_source(base, f"{stem}.{ext}")
        data = read_source(name, optional=True)
        if data is None:
            continue
        text = decode_text(data, name)
        try:
            if ext == "json":
                records = json.loads(text)
            else:
                loaded = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
                # YAML turns dates into date objects; the JSON files have strings.
                records = json.loads(json.dumps(loaded, default=str))
        except Exception as exc:  # yaml.YAMLError, json.JSONDecodeError
            raise ImportFileError(file=name, row=0, field="-", reason=f"cannot parse {ext.upper()}: {exc}") from exc
        if not isinstance(records, list):
            raise ImportFileError(file=name, row=0, field="-", reason="expected a list of records")
        return name, records
    if optional:
        return None
    raise ImportFileError(
        file=join_source(base, f"{stem}.json"), row=0, field="-", reason="neither .json nor .yaml found"
    )


# ------------------------------------------------------------------------------
# A tree of files: a directory, a directory over HTTP, or a .tar.gz
# ------------------------------------------------------------------------------
def _local_files(source: Path, *, wanted, skip_dirs) -> list[tuple[str, bytes]]:
    if not source.is_dir():
        raise ImportFileError(file=str(source), row=0, field="-", reason="not a directory")
    files = []
    for path in sorted(source.rglob("*")):
        relative = PurePosixPath(path.relative_to(source).as_posix())
        if path.is_file() and wanted(relative) and not skip_dirs & set(relative.parts):
            files.append((str(path), path.read_bytes()))
    return files


def _tar_files(url: str, *, wanted) -> list[tuple[str, bytes]]:
    data = read_source(url)
    files = []
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
            for member in archive:
                if member.isfile() and wanted(PurePosixPath(member.name)):
                    files.append((f"{url}!{member.name}", archive.extractfile(member).read()))
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        # A download cut short ends the gzip stream early (EOFError): a clear error naming the file.
        raise ImportFileError(
            file=url, row=0, field="-", reason=f"not a readable .tar.gz: {exc or 'truncated'}"
        ) from exc
    return sorted(files)


def _http_files(url: str, *, wanted, skip_dirs, depth: int = 0) -> list[tuple[str, bytes]]:
    """Follow a directory index page (nginx, Apache, `python -m http.server`) down to the files."""
    base = url if url.endswith("/") else url + "/"
    page = decode_text(read_source(base), base)
    files = []
    for href in sorted(set(_HREF_RE.findall(page))):
        if href.startswith(("/", "..", "http:", "https:")):
            continue
        target = urllib.parse.urljoin(base, href)
        name = urllib.parse.unquote(href.rstrip("/"))
        if href.endswith("/"):
            if depth < 3 and name not in skip_dirs:
                files += _http_files(target, wanted=wanted, skip_dirs=skip_dirs, depth=depth + 1)
        elif wanted(PurePosixPath(urllib.parse.urlparse(target).path)):
            files.append((target, read_source(target)))
    return files


def read_tree(
    source,
    *,
    wanted: Callable[[PurePosixPath], bool],
    wanted_in_archive: Callable[[PurePosixPath], bool] | None = None,
    skip_dirs: frozenset[str] = frozenset(),
) -> list[tuple[str, bytes]]:
    """(name, bytes) of the files `wanted` accepts, from a directory, a directory URL or a .tar.gz URL.

    Folders named in `skip_dirs` are not entered; a .tar.gz member is kept when `wanted_in_archive`
    (default `wanted`) accepts its path.
    """
    text = str(source)
    if is_url(text):
        if text.endswith((".tar.gz", ".tgz")):
            return _tar_files(text, wanted=wanted_in_archive or wanted)
        return _http_files(text, wanted=wanted, skip_dirs=skip_dirs)
    return _local_files(Path(text), wanted=wanted, skip_dirs=skip_dirs)
