"""Call and letter scripts: placeholders filled in per official, chamber blocks kept per chamber.

Plain text substitution, never a template language: a script can only ever produce text, and
anything we don't recognise is left exactly as the author wrote it. The syntax is documented
in docs/scripts.md.

- A placeholder is text in square brackets on one line, e.g. `[STATE AG's NAME]`. It is matched
  without regard to case, spacing or apostrophes: `[state ag’s name]`, `[STATE AGS NAME]` and
  `[ State AG's  Name ]` are the same placeholder.
- A line starting with "WHEN CALLING HOUSE:" or "WHEN CALLING SENATE:" opens a chamber block.
  The block is the rest of that line plus the lines after it, up to the first blank line or the
  next chamber heading. It is kept (without its heading) only when the official being called
  sits in that chamber (U.S. or state); for anyone else it is removed.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

import zipcodes
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from officials.models import OfficeRole

PLACEHOLDER_RE = re.compile(r"\[([^\[\]\n]{1,80})\]")
CHAMBER_HEADING_RE = re.compile(
    r"^\s*WHEN\s+CALLING\s+(?:THE\s+)?(?P<chamber>HOUSE|SENATE)(?:\s+OFFICES?)?\s*:\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
BLANK_RUNS_RE = re.compile(r"\n{3,}")

US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico", "GU": "Guam", "VI": "U.S. Virgin Islands", "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}  # fmt: skip


def normalise_placeholder(text: str) -> str:
    """The key a placeholder is matched on: upper case, without spaces or apostrophes."""
    return re.sub(r"[\s'’‘`]+", "", text).upper()


def _keys(*variants: str) -> set[str]:
    return {normalise_placeholder(v) for v in variants}


# Each group of spellings means one thing. Role names resolve to the official being called
# when they hold that role, else to the caller's own official of that role (when there is
# exactly one).
OFFICIAL_NAME = _keys(
    "OFFICIAL NAME", "OFFICIAL's NAME", "REP/SEN NAME", "SEN/REP NAME", "REP / SEN NAME", "REP OR SEN NAME",
    "MEMBER NAME", "LEGISLATOR NAME", "LEGISLATOR's NAME", "NAME OF OFFICIAL", "TARGET NAME",
)  # fmt: skip
OFFICIAL_LAST_NAME = _keys("OFFICIAL LAST NAME", "OFFICIAL's LAST NAME", "LAST NAME")
OFFICIAL_TITLE = _keys("OFFICIAL TITLE", "OFFICIAL's TITLE", "TITLE")
DISTRICT = _keys("DISTRICT", "OFFICIAL DISTRICT", "OFFICIAL's DISTRICT", "WARD", "YOUR DISTRICT", "YOUR WARD")
ROLE_NAMES = {
    OfficeRole.ATTORNEY_GENERAL: _keys(
        "STATE AG's NAME", "STATE AG NAME", "AG's NAME", "AG NAME", "ATTORNEY GENERAL NAME",
        "ATTORNEY GENERAL's NAME", "STATE ATTORNEY GENERAL NAME", "STATE ATTORNEY GENERAL's NAME",
        "YOUR AG's NAME", "YOUR STATE AG's NAME",
    ),
    OfficeRole.US_SENATE: _keys("SENATOR NAME", "SENATOR's NAME", "SEN NAME", "SEN. NAME", "YOUR SENATOR's NAME"),
    OfficeRole.US_HOUSE: _keys(
        "REPRESENTATIVE NAME", "REPRESENTATIVE's NAME", "REP NAME", "REP. NAME", "REP's NAME",
        "CONGRESSPERSON NAME", "CONGRESSPERSON's NAME", "YOUR REPRESENTATIVE's NAME",
    ),
    OfficeRole.GOVERNOR: _keys("GOVERNOR NAME", "GOVERNOR's NAME", "GOV NAME", "GOV. NAME", "STATE GOVERNOR's NAME"),
    OfficeRole.SECRETARY_OF_STATE: _keys("SECRETARY OF STATE NAME", "SECRETARY OF STATE's NAME", "SOS NAME"),
}  # fmt: skip
# A senator or representative placeholder also matches the same chamber of the state legislature.
ROLE_ALIASES = {
    OfficeRole.US_SENATE: {OfficeRole.US_SENATE, OfficeRole.STATE_UPPER},
    OfficeRole.US_HOUSE: {OfficeRole.US_HOUSE, OfficeRole.STATE_LOWER},
}
CALLER_NAME = _keys("YOUR NAME", "YOUR FULL NAME", "NAME")
CALLER_CITY = _keys("YOUR CITY", "CITY", "YOUR TOWN", "TOWN")
CALLER_ZIP = _keys("YOUR ZIP", "ZIP", "ZIP CODE", "YOUR ZIP CODE", "ZIPCODE")
CALLER_STATE = _keys("STATE", "YOUR STATE")
CITY_ZIP = _keys("CITY, ZIP", "CITY ZIP", "YOUR CITY, ZIP", "CITY, ZIP CODE", "TOWN, ZIP")
CITY_STATE = _keys("CITY, STATE", "CITY STATE", "YOUR CITY, STATE", "TOWN, STATE")
# The caller says these themselves; we never know them, and they are not mistakes.
SPOKEN_BY_CALLER = _keys(
    "YOUR ADDRESS", "YOUR STREET ADDRESS", "YOUR FULL STREET ADDRESS", "STREET ADDRESS", "ADDRESS",
    "YOUR PHONE", "YOUR PHONE NUMBER", "PHONE NUMBER", "YOUR EMAIL",
)  # fmt: skip

# What a known placeholder reads as when this caller has no value for it: words the caller says in
# its place, never the brackets the author wrote.
CALLER_PROMPTS = [
    (CALLER_NAME, _("(your name)")),
    (CALLER_ZIP, _("(your ZIP code)")),
    (CALLER_STATE, _("(your state)")),
    (CALLER_CITY | CITY_ZIP | CITY_STATE, _("(your city)")),
    (_keys("YOUR ADDRESS", "YOUR STREET ADDRESS", "YOUR FULL STREET ADDRESS", "STREET ADDRESS", "ADDRESS"),
     _("(your street address)")),
    (_keys("YOUR PHONE", "YOUR PHONE NUMBER", "PHONE NUMBER"), _("(your phone number)")),
    (_keys("YOUR EMAIL"), _("(your email address)")),
    (OFFICIAL_NAME | OFFICIAL_LAST_NAME, _("(the official's name)")),
    (OFFICIAL_TITLE, _("(the official's title)")),
    (DISTRICT, _("(the district)")),
]  # fmt: skip
ROLE_PROMPTS = {
    OfficeRole.ATTORNEY_GENERAL: _("your attorney general"),
    OfficeRole.US_SENATE: _("your senator"),
    OfficeRole.US_HOUSE: _("your representative"),
    OfficeRole.GOVERNOR: _("your governor"),
    OfficeRole.SECRETARY_OF_STATE: _("your secretary of state"),
}

KNOWN_KEYS = (
    OFFICIAL_NAME
    | OFFICIAL_LAST_NAME
    | OFFICIAL_TITLE
    | DISTRICT
    | set().union(*ROLE_NAMES.values())
    | CALLER_NAME
    | CALLER_CITY
    | CALLER_ZIP
    | CALLER_STATE
    | CITY_ZIP
    | CITY_STATE
    | SPOKEN_BY_CALLER
)


@dataclass
class Caller:
    """What a script may say about the person calling. Empty values leave the placeholder visible."""

    name: str = ""
    zip5: str = ""
    state: str = ""

    @property
    def city(self) -> str:
        return city_for_zip(self.zip5)

    @property
    def state_name(self) -> str:
        return US_STATES.get(self.state.upper(), self.state)

    @classmethod
    def from_user(cls, user, *, zip5: str = "", state: str = "") -> "Caller":
        if user is None or not getattr(user, "is_authenticated", False):
            return cls(zip5=zip5, state=state)
        return cls(name=user.name, zip5=zip5 or user.zip5, state=state or user.state)


@dataclass
class RenderedScript:
    text: str
    # Placeholders nobody recognises, as the author wrote them (in order, without repeats).
    unknown: list[str] = field(default_factory=list)
    # Recognised placeholders we had no value for, left visible for the caller to fill in.
    unfilled: list[str] = field(default_factory=list)


@lru_cache(maxsize=4096)
def city_for_zip(zip5: str) -> str:
    if not zip5:
        return ""
    try:
        matches = zipcodes.matching(zip5)
    except (TypeError, ValueError):
        return ""
    return matches[0]["city"] if matches else ""


def keep_chamber_blocks(script: str, *, chamber: str) -> str:
    """Drop the chamber blocks that are not for `chamber` ("house", "senate" or "")."""
    out: list[str] = []
    block_chamber: str | None = None
    for line in script.splitlines():
        heading = CHAMBER_HEADING_RE.match(line)
        if heading:
            block_chamber = heading["chamber"].lower()
            rest = heading["rest"].strip()
            if rest and block_chamber == chamber:
                out.append(rest)
            continue
        if block_chamber is not None and not line.strip():
            block_chamber = None
        if block_chamber is None or block_chamber == chamber:
            out.append(line)
    return BLANK_RUNS_RE.sub("\n\n", "\n".join(out)).strip()


def unknown_placeholders(script: str) -> list[str]:
    """The placeholders in a script that nobody recognises, as written, for the author's preview."""
    seen: list[str] = []
    for match in PLACEHOLDER_RE.finditer(script or ""):
        text = match.group(0)
        if normalise_placeholder(match.group(1)) not in KNOWN_KEYS and text not in seen:
            seen.append(text)
    return seen


def _person_name(entry) -> str:
    if entry is None:
        return ""
    if entry.person is not None:
        return entry.person.name
    # Nobody known to hold it (between holders, or a vacant seat): the caller names the office, never a blank.
    return entry.office.name if entry.office.is_organisation else entry.office.holder_phrase()


def _official_title(entry) -> str:
    """The title in the active language where the entry has one (a target list's title_es), else the office's."""
    if entry is None:
        return ""
    return getattr(entry, "title", "") or entry.office.title


def _district(entry) -> str:
    """A list member's district ("Ward 7"), else the name of a legislator's district division."""
    if entry is None:
        return ""
    district = getattr(entry, "district", "")
    if district:
        return district
    division = entry.office.division if entry.office.division_id else None
    return division.name if division is not None and entry.office.chamber else ""


def _role_holder(role: str, official, others) -> str:
    roles = ROLE_ALIASES.get(role, {role})
    if official is not None and official.office.role in roles:
        return _person_name(official)
    holders = [e for e in others if e.office.role in roles]
    return _person_name(holders[0]) if len(holders) == 1 else ""


_SPANISH_CONTRACTIONS_RE = re.compile(
    r"\b(a|de) el ((?:Gobernador|Fiscal|Secretario|Senador|Representante|Alcalde|cargo)\b)", re.IGNORECASE
)


def _starts_sentence(text: str, position: int) -> bool:
    before = text[:position].rstrip(" \t")
    return not before or before[-1] in ".!?\n¿¡"


def render_script(
    script: str, *, official=None, caller: Caller | None = None, officials=(), language: str | None = None
) -> RenderedScript:
    """Fill a script in for one official.

    `official` is the OfficialEntry being called (None for a script read without a target);
    `officials` is the caller's whole list, for role placeholders that name someone else
    (a senator's script that mentions "[STATE AG's NAME]"). `language` is the script's own
    language (default: the active one): an office named in place of an unknown holder is said in it.
    """
    if language:
        with translation.override(language):
            return render_script(script, official=official, caller=caller, officials=officials)
    caller = caller or Caller()
    chamber = official.office.chamber if official is not None else ""
    text = keep_chamber_blocks(script or "", chamber=chamber)
    unknown: list[str] = []
    unfilled: list[str] = []

    def value_for(key: str) -> str | None:
        """The text for a placeholder key: "" when known but empty here, None when unknown."""
        if key in OFFICIAL_NAME:
            return _person_name(official)
        if key in OFFICIAL_LAST_NAME:
            if official is not None and official.person is not None:
                return official.person.family_name or official.person.name.rsplit(" ", 1)[-1]
            return _person_name(official)
        if key in OFFICIAL_TITLE:
            return _official_title(official)
        if key in DISTRICT:
            return _district(official)
        for role, keys in ROLE_NAMES.items():
            if key in keys:
                return _role_holder(role, official, officials)
        if key in CALLER_NAME:
            return caller.name
        if key in CALLER_CITY:
            return caller.city
        if key in CALLER_ZIP:
            return caller.zip5
        if key in CALLER_STATE:
            return caller.state_name
        if key in CITY_ZIP:
            return f"{caller.city}, {caller.zip5}" if caller.city and caller.zip5 else ""
        if key in CITY_STATE:
            return f"{caller.city}, {caller.state}" if caller.city and caller.state else caller.city
        if key in SPOKEN_BY_CALLER:
            return ""
        return None

    def substitute(match: re.Match) -> str:
        original = match.group(0)
        key = normalise_placeholder(match.group(1))
        value = value_for(key)
        if value and value[0].islower() and _starts_sentence(match.string, match.start()):
            value = value[0].upper() + value[1:]
        if value is None:
            if original not in unknown:
                unknown.append(original)
            return original
        if not value:
            if original not in unfilled:
                unfilled.append(original)
            return _fallback(key, caller)
        return value

    filled = PLACEHOLDER_RE.sub(substitute, text)
    if translation.get_language() == "es":
        # "a el Fiscal General" -> "al Fiscal General": the office named in place of a name follows the grammar.
        filled = _SPANISH_CONTRACTIONS_RE.sub(lambda m: ("al " if m[1].lower() == "a" else "del ") + m[2], filled)
    return RenderedScript(text=filled, unknown=unknown, unfilled=unfilled)


def _fallback(key: str, caller: Caller) -> str:
    """A known placeholder with no value for this caller, as the caller would say it.

    "I am writing from [CITY, STATE]" without a city reads "I am writing from Missouri"; with
    nothing known it reads "(your city)", a prompt to say it, never the raw brackets.
    """
    if key in CALLER_CITY | CITY_ZIP | CITY_STATE and caller.state:
        return caller.state_name
    for role, keys in ROLE_NAMES.items():
        if key in keys:
            return str(ROLE_PROMPTS[role])
    for keys, prompt in CALLER_PROMPTS:
        if key in keys:
            return str(prompt)
    return ""
