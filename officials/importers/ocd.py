"""Open Civic Data division ids and the titles of the offices they carry.

ocd-division/country:us/state:mo/cd:3  ->  kind "cd", state "MO", parent .../state:mo
("us_house", MO, 3)                     ->  "U.S. Representative for Missouri's 3rd district"
"""

from __future__ import annotations

import re

from django.utils import translation

from ..models import STATE_LEVEL_KINDS, Division, OfficeRole

OCD_RE = re.compile(r"^ocd-division/country:us(/[a-z_]+:[a-z0-9_~.\-]+)*$")
# Territories' divisions are territory:xx, DC's is district:dc, the rest state:xx.
TERRITORIES = {"AS", "GU", "MP", "PR", "VI"}


def division_fields(ocd_id: str) -> tuple[str, str, str | None]:
    """(kind, USPS state code, parent ocd id) from an OCD id."""
    parts = ocd_id.split("/")[1:]  # drop "ocd-division"
    last_type = parts[-1].split(":")[0]
    state = ""
    for part in parts[1:]:
        kind, _, code = part.partition(":")
        if kind in STATE_LEVEL_KINDS and len(code) == 2:
            state = code.upper()
            break
    kind = {
        "country": Division.Kind.COUNTRY,
        "state": Division.Kind.STATE,
        "territory": Division.Kind.TERRITORY,
        "district": Division.Kind.DISTRICT,
        "cd": Division.Kind.CONGRESSIONAL_DISTRICT,
        "sldu": Division.Kind.STATE_UPPER,
        "sldl": Division.Kind.STATE_LOWER,
    }.get(last_type, Division.Kind.OTHER)
    parent = "/".join(["ocd-division", *parts[:-1]]) if len(parts) > 1 else None
    return kind, state, parent


def state_names(divisions) -> dict[str, str]:
    """USPS code -> name ("MO" -> "Missouri") from Division rows."""
    return {d.state: d.name for d in divisions if d.kind in STATE_LEVEL_KINDS}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _place(state_name: str) -> str:
    return f"the {state_name}" if state_name in ("District of Columbia", "US Virgin Islands") else state_name


def house_title(*, state: str, state_name: str, district: int) -> str:
    if state == "PR":
        return "Resident Commissioner for Puerto Rico"
    if state == "DC" or state in TERRITORIES:
        return f"Delegate to Congress for {_place(state_name)}"
    if district == 0:
        return f"U.S. Representative for {state_name} (at large)"
    return f"U.S. Representative for {state_name}'s {_ordinal(district)} district"


def executive_title(*, role: str, state: str, state_name: str) -> str:
    if role == OfficeRole.GOVERNOR and state == "DC":
        return "Mayor of the District of Columbia"
    return f"{role_name(role)} of {_place(state_name)}"


def role_name(role: str) -> str:
    """A role's English name for stored data (titles, labels), whatever language the request or task is in."""
    with translation.override("en"):
        return str(OfficeRole(role).label)


def state_division_id(state: str) -> str:
    if state == "DC":
        return "ocd-division/country:us/district:dc"
    if state in TERRITORIES:
        return f"ocd-division/country:us/territory:{state.lower()}"
    return f"ocd-division/country:us/state:{state.lower()}"


def district_division_id(state: str, district: int) -> str:
    return f"{state_division_id(state)}/cd:{'at-large' if district == 0 else district}"
