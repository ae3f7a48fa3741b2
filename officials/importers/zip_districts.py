"""ZIP to congressional district: zccd.csv, or the Census ZCTA relationship file.

    python manage.py import_zip_districts ../shared/data/zip-districts/zccd.csv [--effective 2027-01-03]

A sample of zccd.csv (ZCTAs keep their leading zeros; district 0 is at-large):

    state_fips,state_abbr,zcta,cd
    29,MO,65101,3
    11,DC,20001,0
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db import transaction

from .. import cache as officials_cache
from ..models import Division, ZipDivision, ZipMap, zip_map_in_force
from .common import STATE_RE, ImportFileError, ImportResult, finish, progress_bar
from .ocd import district_division_id
from .sources import csv_rows, decode_text, read_source

ZCCD_COLUMNS = ["state_fips", "state_abbr", "zcta", "cd"]
STATE_FIPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT", "10": "DE", "11": "DC",
    "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL", "18": "IN", "19": "IA", "20": "KS", "21": "KY",
    "22": "LA", "23": "ME", "24": "MD", "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT",
    "31": "NE", "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND", "39": "OH",
    "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD", "47": "TN", "48": "TX", "49": "UT",
    "50": "VT", "51": "VA", "53": "WA", "54": "WV", "55": "WI", "56": "WY", "60": "AS", "66": "GU", "69": "MP",
    "72": "PR", "78": "VI",
}  # fmt: skip


class ZipRow(NamedTuple):
    """One row of either format, as read (checked by import_zip_districts)."""

    number: int  # in the file
    zcta: str
    state: str
    cd: str  # the district number, "0" at large
    zcta_field: str  # the ZCTA's column name in this format, for errors


class _CensusColumns(NamedTuple):
    cd: int
    zcta: int
    land: int | None


def _census_columns(header: list[str], name: str) -> _CensusColumns:
    """The district, ZCTA and land-area columns; the district's carries the Congress number, so found by prefix."""
    cd_col = next((i for i, h in enumerate(header) if h.startswith("GEOID_CD")), None)
    zcta_col = next((i for i, h in enumerate(header) if h.startswith("GEOID_ZCTA5")), None)
    land_col = next((i for i, h in enumerate(header) if h == "AREALAND_PART"), None)
    if cd_col is None or zcta_col is None:
        raise ImportFileError(file=name, row=1, field="header", reason="no GEOID_CD* or GEOID_ZCTA5* column")
    return _CensusColumns(cd_col, zcta_col, land_col)


def _census_zip_rows(text: str, name: str) -> list[ZipRow]:
    """The rows of the Census ZCTA-to-district relationship file (pipe-delimited).

    The district column carries the Congress number (GEOID_CD119_20), so it is found by prefix.
    Water-only and undefined parts (district ZZ, no ZCTA, no land area) are dropped.
    """
    reader = csv.reader(io.StringIO(text), delimiter="|")
    header = [h.strip() for h in next(reader)]
    columns = _census_columns(header, name)
    out = []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise ImportFileError(
                file=name, row=number, field="-", reason=f"{len(values)} values for {len(header)} columns"
            )
        row = _census_row(values, number=number, header=header, columns=columns, name=name)
        if row is not None:
            out.append(row)
    return out


def _census_row(values: list[str], *, number: int, header: list[str], columns: _CensusColumns, name: str):
    """The row's ZipRow, None for a water-only or undefined part, or ImportFileError for a bad district."""
    geoid, zcta = values[columns.cd].strip(), values[columns.zcta].strip()
    land = values[columns.land].strip() if columns.land is not None else ""
    if not zcta or geoid.upper().endswith("ZZ") or land == "0":
        return None
    cd_field = header[columns.cd]
    if len(geoid) != 4 or not geoid.isdigit():
        raise ImportFileError(file=name, row=number, field=cd_field, reason=f"{geoid!r} is not a state and district")
    state = STATE_FIPS.get(geoid[:2])
    if state is None:
        raise ImportFileError(file=name, row=number, field=cd_field, reason=f"unknown state FIPS code {geoid[:2]!r}")
    district = int(geoid[2:])
    # 98 is the Census code for a delegate (DC, PR): the at-large seat.
    return ZipRow(number, zcta, state, "0" if district in (0, 98) else str(district), header[columns.zcta])


def _zip_rows(data: bytes, name: str) -> list[ZipRow]:
    """The rows of either format, told apart by the header."""
    text = decode_text(data, name)
    if "|" in text.split("\n", 1)[0]:
        return _census_zip_rows(text, name)
    return [
        ZipRow(number, row["zcta"], row["state_abbr"].upper(), row["cd"], "zcta")
        for number, row in csv_rows(data, name, ZCCD_COLUMNS)
    ]


@dataclass
class ZipMove:
    zcta: str
    before: tuple[str, ...]  # OCD ids
    after: tuple[str, ...]
    effective: datetime.date | None


def _map_districts(zip_map: ZipMap | None) -> dict[str, set[int]]:
    by_zip: dict[str, set[int]] = defaultdict(set)
    for zcta, division_id in ZipDivision.objects.of_map(zip_map).values_list("zcta", "division_id"):
        by_zip[zcta].add(division_id)
    return by_zip


def import_zip_districts(
    *,
    source,
    effective: datetime.date | None = None,
    same_source: bool = False,
    dry_run: bool = False,
    progress: bool = False,
) -> ImportResult:
    """Load a ZIP-to-district map: zccd.csv or the Census relationship file.

    With `effective`, the map takes effect on that day (the lookup switches by itself); loading
    the same date again replaces that map. Without it, the map in force today is replaced, or,
    with `same_source` (the scheduled refresh), the dated map last loaded from this source, else
    the undated one: a refresh of the old map never overwrites a newer one loaded ahead.
    `result.zip_moves` lists the ZIPs whose districts differ from the map in force before.
    """
    result = ImportResult(name="zip districts", dry_run=dry_run)
    name = str(source)
    rows = _zip_rows(read_source(source), name)
    divisions = dict(Division.objects.filter(kind=Division.Kind.CONGRESSIONAL_DISTRICT).values_list("ocd_id", "pk"))
    planned: dict[tuple[str, int], str] = {}  # (zcta, division pk) -> state
    for row in progress_bar(rows, desc="ZIP rows (checking)", progress=progress):
        planned[_checked(row, divisions=divisions, name=name)] = row.state

    with officials_cache.batched(), transaction.atomic():
        zip_map, before_map = _target_map(effective=effective, same_source=same_source, name=name, result=result)
        before = _map_districts(before_map)
        _write(zip_map, planned, result=result, progress=progress)
        result.zip_moves += _zip_moves(before, planned, divisions=divisions, zip_map=zip_map)
        return finish(result, dry_run)


def _checked(row: ZipRow, *, divisions: dict[str, int], name: str) -> tuple[str, int]:
    """(zcta, division pk) of a row, or ImportFileError naming the bad field."""
    zcta = row.zcta
    # Spreadsheets drop leading zeros (01001 -> 1001); a ZCTA is always 5 characters.
    if zcta.isdigit() and 3 <= len(zcta) < 5:
        zcta = zcta.zfill(5)
    if not (len(zcta) == 5 and zcta.isdigit()):
        raise ImportFileError(
            file=name, row=row.number, field=row.zcta_field, reason=f"{row.zcta!r} is not a 5-digit ZCTA"
        )
    if not STATE_RE.match(row.state):
        raise ImportFileError(file=name, row=row.number, field="state_abbr", reason=f"{row.state!r} is not a USPS code")
    if not row.cd.isdigit():
        raise ImportFileError(file=name, row=row.number, field="cd", reason=f"{row.cd!r} is not a district number")
    ocd_id = district_division_id(row.state, int(row.cd))
    division_pk = divisions.get(ocd_id)
    if division_pk is None:
        raise ImportFileError(
            file=name, row=row.number, field="cd", reason=f"unknown district {ocd_id}: run import_divisions first"
        )
    return zcta, division_pk


def _target_map(*, effective, same_source: bool, name: str, result: ImportResult):
    """(the map this load replaces or fills, the map in force before it, which the ZIP moves compare with)."""
    if effective is None:
        if same_source:
            zip_map = ZipMap.objects.filter(source=name[:500]).order_by("-effective_from").first()
        else:
            zip_map = zip_map_in_force()
        return zip_map, zip_map
    zip_map, created = ZipMap.objects.get_or_create(effective_from=effective, defaults={"source": name[:500]})
    if not created:
        return zip_map, zip_map
    result.add("zip map", "created")
    return zip_map, zip_map_in_force(effective - datetime.timedelta(days=1))


def _write(zip_map: ZipMap | None, planned: dict[tuple[str, int], str], *, result: ImportResult, progress: bool):
    """Make the map's rows the planned ones: new rows created, missing ones deleted, a changed state updated."""
    existing = {
        (z, d): (pk, s)
        for pk, z, d, s in ZipDivision.objects.of_map(zip_map).values_list("pk", "zcta", "division_id", "state")
    }
    to_create = [
        ZipDivision(zcta=z, division_id=d, state=s, zip_map=zip_map)
        for (z, d), s in planned.items()
        if (z, d) not in existing
    ]
    stale = [pk for key, (pk, _s) in existing.items() if key not in planned]
    moved = [(pk, planned[key]) for key, (pk, s) in existing.items() if key in planned and planned[key] != s]
    for start in progress_bar(range(0, len(to_create), 2000), desc="ZIP rows (writing)", progress=progress):
        ZipDivision.objects.bulk_create(to_create[start : start + 2000])
    for start in range(0, len(stale), 500):
        ZipDivision.objects.filter(pk__in=stale[start : start + 500]).delete()
    for pk, state in moved:
        ZipDivision.objects.filter(pk=pk).update(state=state)
    result.add("zip district", "created", len(to_create))
    result.add("zip district", "ended", len(stale))
    result.add("zip district", "updated", len(moved))
    result.add("zip district", "unchanged", len(planned) - len(to_create) - len(moved))


def _zip_moves(before: dict[str, set[int]], planned, *, divisions: dict[str, int], zip_map) -> list[ZipMove]:
    """The ZIPs whose districts differ from the map in force before, by OCD id."""
    after: dict[str, set[int]] = defaultdict(set)
    for zcta, division_pk in planned:
        after[zcta].add(division_pk)
    ocd = {pk: ocd_id for ocd_id, pk in divisions.items()}
    return [
        ZipMove(
            zcta=zcta,
            before=tuple(sorted(ocd.get(pk, str(pk)) for pk in before.get(zcta, ()))),
            after=tuple(sorted(ocd.get(pk, str(pk)) for pk in after.get(zcta, ()))),
            effective=zip_map.effective_from if zip_map else None,
        )
        for zcta in sorted(set(before) | set(after))
        if before.get(zcta, set()) != after.get(zcta, set())
    ]
