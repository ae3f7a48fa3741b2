"""Compile the translation catalogs with Babel, in pure Python: `make install` (so `make run` and
`make test`) calls it, so Spanish works on a machine without GNU gettext.

The .mo files are build output and not committed (.gitignore); the .po files are the sources.
Fuzzy entries are left out, so a guess never reaches a reader (and CI fails on them anyway).

    python -m advocacy.catalogs
"""

from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def compiled_catalog(po_path: Path) -> bytes:
    """The .mo bytes for one .po file."""
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write each <lang>/LC_MESSAGES/*.mo beside its .po when it differs; return the files written."""
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        data = compiled_catalog(po_path)
        if not mo_path.exists() or mo_path.read_bytes() != data:
            mo_path.write_bytes(data)
            written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_catalogs():
        print(f"compiled {path}")
