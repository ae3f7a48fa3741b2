"""Reading a target list: a CSV file or JSON rows, checked cell by cell before anything is written.

Every problem is reported with its row and column, so a lead can fix them all in one pass; the
caller (targetlists.services) writes nothing while any is left. The same checks run for the
page's preview, the command and the API.
"""

import codecs
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from officials.phones import InvalidPhoneNumber, phone_display, phone_normalise
from officials.selectors import state_for_zip

COLUMNS = (
    "name",
    "title",
    "title_es",
    "phone",
    "phone_label",
    "district",
    "district_es",
    "zips",
    "email",
    "contact_form",
    "photo_url",
    "party",
    "external_id",
)
REQUIRED = ("name", "title")
MAX_LENGTHS = {
    "name": 200,
    "title": 200,
    "title_es": 200,
    "phone": 50,
    "phone_label": 200,
    "district": 200,
    "district_es": 200,
    "zips": 6000,
    "email": 254,
    "contact_form": 500,
    "photo_url": 500,
    "party": 50,
    "external_id": 200,
}
# A cell a spreadsheet would run as a formula when the list is opened again (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PHONE_CHARACTERS_RE = re.compile(r"^\+?[0-9().\-\s/]+(?:\s*(?:x|ext\.?|extension)\s*[0-9]+)?$", re.IGNORECASE)
ZIP_RE = re.compile(r"^([0-9]{5})(?:-[0-9]{4})?$")
ZIP_SEPARATORS_RE = re.compile(r"[\s,;]+")
# The first row of data is line 2 of the file, under the header; JSON rows count from 0.
FIRST_CSV_ROW = 2

_url = URLValidator(schemes=["http", "https"])


@dataclass
class RowProblem:
    """One problem: `row` is the file's line (CSV) or the index in `rows` (JSON); 0 with no column: the file."""

    row: int | None
    column: str
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        if self.column:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ListRow:
    """One row as it will be stored: the phone in E.164, ZIPs as 5-digit codes."""

    row: int
    name: str = ""
    title: str = ""
    title_es: str = ""
    phone: str = ""
    phone_label: str = ""
    district: str = ""
    district_es: str = ""
    zips: list[str] = field(default_factory=list)
    email: str = ""
    contact_form: str = ""
    photo_url: str = ""
    party: str = ""
    external_id: str = ""
    # The cells whose problems are listed, for the preview's highlighting.
    bad_columns: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """What a re-import matches on: the external id, else name and title."""
        if self.external_id:
            return f"id:{self.external_id}"
        key = f"name:{self.name.casefold()}|{self.title.casefold()}"
        # Case folding can lengthen a text ("ß" is "ss"): a long key is kept as its digest.
        return key if len(key) <= 400 else "name#" + hashlib.sha256(key.encode()).hexdigest()

    @property
    def phone_display(self) -> str:
        return phone_display(self.phone) if self.phone else ""

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in COLUMNS}


@dataclass
class ParsedList:
    rows: list[ListRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    def problem_messages(self) -> list[str]:
        return [str(p) for p in self.problems]


def max_rows() -> int:
    return settings.TARGET_LIST_MAX_ROWS


def max_bytes() -> int:
    return settings.TARGET_LIST_MAX_BYTES


def _file_problem(message: str) -> ParsedList:
    return ParsedList(problems=[RowProblem(row=None, column="", message=message)])


def _decode(data: bytes) -> tuple[str | None, str]:
    """The text of a UTF-8 file (with or without BOM), or None and why not."""
    for bom, name in (
        (codecs.BOM_UTF32_LE, "UTF-32"),
        (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16"),
        (codecs.BOM_UTF16_BE, "UTF-16"),
    ):
        if data.startswith(bom):
            return None, _("The file is in %(encoding)s. Save it as CSV UTF-8 and upload it again.") % {
                "encoding": name
            }
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, _(
            "The file is not UTF-8 (an unreadable byte on line %(line)s; Excel's plain “CSV” is "
            "Windows-1252). Save it as “CSV UTF-8” and upload it again."
        ) % {"line": line}
    if "\x00" in text:
        return None, _("The file contains NUL bytes: it is not a text CSV file.")
    return text, ""


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def parse_csv(data: bytes) -> ParsedList:
    """A CSV file's rows, checked. File-level problems (size, encoding, header, row count) stop the reading."""
    if len(data) > max_bytes():
        return _file_problem(
            _("The file is %(size)s KB; the limit is %(limit)s KB.")
            % {"size": f"{len(data) // 1024:,}", "limit": f"{max_bytes() // 1024:,}"}
        )
    text, problem = _decode(data)
    if text is None:
        return _file_problem(problem)
    if not text.strip():
        return _file_problem(_("The file is empty."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        return _file_problem(_("The header row cannot be read: %(error)s.") % {"error": exc})
    columns = [h.strip().lower().lstrip("\ufeff") for h in header]
    problems = _header_problems(columns)
    if problems:
        return ParsedList(problems=problems)
    raw_rows: list[tuple[int, dict]] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue  # blank lines, e.g. at the end of the file
            if len(raw_rows) >= max_rows():
                return _file_problem(
                    _("The file has more than %(limit)s rows; a list may have at most %(limit)s.")
                    % {"limit": f"{max_rows():,}"}
                )
            extra = cells[len(columns) :]
            if any(c.strip() for c in extra):
                problems.append(
                    RowProblem(
                        line,
                        "",
                        _("It has %(count)s cells; the header has %(columns)s columns.")
                        % {"count": len(cells), "columns": len(columns)},
                    )
                )
                continue
            raw_rows.append((line, dict(zip(columns, cells, strict=False))))
    except csv.Error as exc:
        problems.append(
            RowProblem(reader.line_num, "", _("It cannot be read (%(error)s). Check its quotes.") % {"error": exc})
        )
        return ParsedList(problems=problems)
    if problems and not raw_rows:
        return ParsedList(problems=problems)
    parsed = clean_rows(raw_rows)
    parsed.problems = problems + parsed.problems
    return parsed


def _header_problems(columns: list[str]) -> list[RowProblem]:
    problems = []
    unknown = [c for c in columns if c and c not in COLUMNS]
    if unknown:
        problems.append(
            RowProblem(
                1,
                "",
                _("Unknown columns: %(unknown)s. The columns are: %(columns)s.")
                % {"unknown": ", ".join(unknown), "columns": ", ".join(COLUMNS)},
            )
        )
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        problems.append(RowProblem(1, "", _("Repeated columns: %(columns)s.") % {"columns": ", ".join(repeated)}))
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        problems.append(
            RowProblem(1, "", _("Missing required columns: %(columns)s.") % {"columns": ", ".join(missing)})
        )
    return problems


def clean_rows(raw_rows: list[tuple[int, dict]]) -> ParsedList:
    """Check rows given as (row number, {column: text}); the same for a CSV file and the API's JSON."""
    parsed = ParsedList()
    if not raw_rows:
        parsed.problems.append(RowProblem(None, "", _("The list has no rows.")))
        return parsed
    if len(raw_rows) > max_rows():
        parsed.problems.append(
            RowProblem(None, "", _("A list may have at most %(limit)s rows.") % {"limit": f"{max_rows():,}"})
        )
        return parsed
    seen: dict[str, int] = {}
    for number, raw in raw_rows:
        row, problems = _clean_row(number, raw)
        if not problems:
            first = seen.setdefault(row.key, number)
            if first != number:
                if row.external_id:
                    problems.append(
                        RowProblem(
                            number,
                            "external_id",
                            _("%(id)s is also the external_id of row %(row)s.") % {"id": row.external_id, "row": first},
                        )
                    )
                else:
                    problems.append(
                        RowProblem(
                            number,
                            "name",
                            _("Row %(row)s has the same name and title; give each an external_id.") % {"row": first},
                        )
                    )
        row.bad_columns = [p.column for p in problems]
        parsed.rows.append(row)
        parsed.problems += problems
    return parsed


def _cell(column: str, raw: dict, problem) -> str:
    """The column's text, spaces collapsed; empty (with a problem) when too long or formula-like."""
    value = raw.get(column)
    value = "" if value is None else str(value)
    if len(value) > MAX_LENGTHS[column]:
        problem(
            column,
            _("%(length)s characters; the limit is %(limit)s.")
            % {"length": f"{len(value):,}", "limit": MAX_LENGTHS[column]},
        )
        return ""
    if value.startswith(FORMULA_STARTS) and not (column == "phone" and value.startswith("+")):
        problem(
            column,
            _("It starts with “%(start)s”, like a spreadsheet formula; remove that character.")
            % {"start": value[:1].strip() or _("a tab")},
        )
        return ""
    return " ".join(value.split()) if column != "zips" else value.strip()


def _clean_phone(row: ListRow, phone: str, problem) -> None:
    try:
        if not PHONE_CHARACTERS_RE.match(phone):
            raise InvalidPhoneNumber(phone)
        row.phone = phone_normalise(phone)
    except InvalidPhoneNumber:
        problem("phone", _("%(phone)s is not a valid U.S. phone number.") % {"phone": phone})


def _clean_zips(row: ListRow, zips: str, problem) -> None:
    for token in ZIP_SEPARATORS_RE.split(zips):
        if not token:
            continue
        match = ZIP_RE.match(token)
        if match is None or state_for_zip(match.group(1)) is None:
            problem("zips", _("%(zip)s is not a U.S. ZIP code.") % {"zip": token[:20]})
        elif match.group(1) not in row.zips:
            row.zips.append(match.group(1))


def _clean_email(row: ListRow, email: str, problem) -> None:
    try:
        validate_email(email)
        row.email = email
    except ValidationError:
        problem("email", _("%(email)s is not an email address.") % {"email": email})


def _clean_url(row: ListRow, column: str, url: str, problem) -> None:
    try:
        _url(url)
        setattr(row, column, url)
    except ValidationError:
        problem(column, _("Enter a web address starting with https://."))


def _clean_row(number: int, raw: dict) -> tuple[ListRow, list[RowProblem]]:
    row = ListRow(row=number)
    problems: list[RowProblem] = []

    def problem(column, message):
        problems.append(RowProblem(number, column, message))

    cells = {column: _cell(column, raw, problem) for column in COLUMNS}
    for column in REQUIRED:
        if not cells[column] and all(p.column != column for p in problems):
            problem(column, _("This column is required."))
    for column in ("name", "title", "title_es", "phone_label", "district", "district_es", "party", "external_id"):
        setattr(row, column, cells[column])
    if cells["phone"]:
        _clean_phone(row, cells["phone"], problem)
    if cells["zips"]:
        _clean_zips(row, cells["zips"], problem)
    if cells["email"]:
        _clean_email(row, cells["email"], problem)
    for column in ("contact_form", "photo_url"):
        if cells[column]:
            _clean_url(row, column, cells[column], problem)
    return row, problems


def parse_json_rows(rows: list[dict]) -> ParsedList:
    """The API's rows (a list of objects with the CSV's columns), numbered from 0 as in the request."""
    return clean_rows([(index, item) for index, item in enumerate(rows)])
