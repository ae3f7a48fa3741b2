"""Divisions: the OCD division lists (us-states.csv, us-territories.csv, us-congressional-districts.csv)."""

from __future__ import annotations

import csv
import io

from django.db import transaction

from .. import cache as officials_cache
from ..models import Division
from .common import ImportFileError, ImportResult, finish, parse_date, progress_bar
from .ocd import OCD_RE, division_fields
from .sources import csv_rows, decode_text, join_source, read_source

DIVISION_FILES = {
    "us-states.csv": None,  # no header: id,name
    "us-territories.csv": ["id", "name", "sameAs", "validFrom", "validThrough"],
    "us-congressional-districts.csv": ["id", "name", "census_geoid", "validThrough"],
}


def import_divisions(*, source, dry_run: bool = False, progress: bool = False) -> ImportResult:
    result = ImportResult(name="divisions", dry_run=dry_run)
    planned: dict[str, dict] = {}
    for filename, expected in DIVISION_FILES.items():
        name = join_source(source, filename)
        data = read_source(name)
        if expected is None:
            rows = []
            for number, values in enumerate(csv.reader(io.StringIO(decode_text(data, name))), start=1):
                if not values:
                    continue
                if len(values) != 2:
                    raise ImportFileError(
                        file=name, row=number, field="-", reason=f"expected 2 columns (id,name), got {len(values)}"
                    )
                rows.append((number, {"id": values[0].strip(), "name": values[1].strip()}))
        else:
            rows = csv_rows(data, name, expected)
        for number, row in rows:
            ocd_id = row["id"]
            if not OCD_RE.match(ocd_id):
                raise ImportFileError(file=name, row=number, field="id", reason=f"{ocd_id!r} is not an OCD division id")
            if not row["name"]:
                raise ImportFileError(file=name, row=number, field="name", reason="empty")
            valid_through = parse_date(row.get("validThrough", ""), file=name, row=number, field="validThrough")
            kind, state, parent = division_fields(ocd_id)
            planned[ocd_id] = {
                "name": row["name"][:200],
                "kind": kind,
                "state": state,
                "valid_through": valid_through,
                "parent": parent,
            }

    with officials_cache.batched(), transaction.atomic():
        existing = {d.ocd_id: d for d in Division.objects.all()}
        # Parents first, so every parent exists when its children are written.
        for ocd_id in progress_bar(
            sorted(planned, key=lambda i: i.count("/")), desc="divisions", progress=progress, total=len(planned)
        ):
            values = planned[ocd_id]
            parent = existing.get(values["parent"]) if values["parent"] else None
            fields = {k: v for k, v in values.items() if k != "parent"} | {"parent": parent}
            division = existing.get(ocd_id)
            if division is None:
                existing[ocd_id] = Division.objects.create(ocd_id=ocd_id, **fields)
                result.add("division", "created")
                continue
            changed = [
                k
                for k, v in fields.items()
                if (division.parent_id != (v.pk if v else None) if k == "parent" else getattr(division, k) != v)
            ]
            if changed:
                for k in changed:
                    setattr(division, k, fields[k])
                division.save(update_fields=changed)
                result.add("division", "updated")
            else:
                result.add("division", "unchanged")
        return finish(result, dry_run)
