"""Officials' titles, parties, contact labels and district names in the reader's language.

The public data is English ("Attorney General of Missouri", "Washington DC office", "Missouri's
3rd congressional district") and stays so in the database and the API. A page shown in another
language reads each of them through the patterns below; a text no pattern knows (a proper name
such as an organisation's, an unusual office label) is shown as the data has it.
"""

import re

from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

_ORDINAL = r"(?P<number>\d+)(?:st|nd|rd|th)"

TITLES = [
    (re.compile(r"^U\.S\. Senator for (?P<state>.+)$"), _("U.S. Senator for %(state)s")),
    (
        re.compile(rf"^U\.S\. Representative for (?P<state>.+)'s {_ORDINAL} district$"),
        _("U.S. Representative for district %(number)s of %(state)s"),
    ),
    (
        re.compile(r"^U\.S\. Representative for (?P<state>.+) \(at large\)$"),
        _("U.S. Representative for %(state)s (at large)"),
    ),
    (re.compile(r"^U\.S\. (?:Delegate|Resident Commissioner) for (?P<state>.+)$"), _("U.S. Delegate for %(state)s")),
    (re.compile(r"^Governor of (?P<state>.+)$"), _("Governor of %(state)s")),
    (re.compile(r"^Lieutenant Governor of (?P<state>.+)$"), _("Lieutenant Governor of %(state)s")),
    (re.compile(r"^Attorney General of (?P<state>.+)$"), _("Attorney General of %(state)s")),
    (re.compile(r"^Secretary of State of (?P<state>.+)$"), _("Secretary of State of %(state)s")),
    (re.compile(r"^U\.S\. Department of Justice$"), _("U.S. Department of Justice")),
]
DIVISIONS = [
    (
        re.compile(rf"^(?P<state>.+)'s {_ORDINAL} (?:congressional )?district$", re.IGNORECASE),
        _("Congressional district %(number)s of %(state)s"),
    ),
    (
        re.compile(r"^(?P<state>.+)'s at-large (?:congressional )?district$", re.IGNORECASE),
        _("At-large congressional district of %(state)s"),
    ),
]
LABELS = [
    (re.compile(r"^Washington,? DC(?: office)?$", re.IGNORECASE), _("Washington DC office")),
    (re.compile(r"^Contact form$", re.IGNORECASE), _("Contact form")),
    (re.compile(r"^Email$", re.IGNORECASE), _("Email")),
    (re.compile(r"^Fax$", re.IGNORECASE), _("Fax")),
    (re.compile(r"^Main switchboard$", re.IGNORECASE), _("Main switchboard")),
    (re.compile(r"^Capitol office$", re.IGNORECASE), _("Capitol office")),
    (re.compile(r"^District office$", re.IGNORECASE), _("District office")),
    (re.compile(r"^(?P<place>.+) district office$", re.IGNORECASE), _("%(place)s district office")),
    (re.compile(r"^(?P<place>.+) office$", re.IGNORECASE), _("%(place)s office")),
]
PARTIES = {
    "republican": pgettext_lazy("party", "Republican"),
    "democrat": pgettext_lazy("party", "Democrat"),
    "democratic": pgettext_lazy("party", "Democrat"),
    "independent": pgettext_lazy("party", "Independent"),
    "libertarian": pgettext_lazy("party", "Libertarian"),
    "green": pgettext_lazy("party", "Green"),
    "nonpartisan": pgettext_lazy("party", "Nonpartisan"),
}


def _in_english() -> bool:
    return (get_language() or "en").split("-")[0] == "en"


def _through(patterns, text: str) -> str:
    text = (text or "").strip()
    if not text or _in_english():
        return text
    for pattern, template in patterns:
        match = pattern.match(text)
        if match:
            return str(template) % match.groupdict()
    return text


def office_title(text: str) -> str:
    """ "Attorney General of Missouri" -> "Fiscal general de Missouri" on a Spanish page."""
    return _through(TITLES, text)


def division_name(text: str) -> str:
    """ "Missouri's 3rd congressional district" -> "Distrito congresional 3 de Missouri"."""
    return _through(DIVISIONS, text)


def contact_label(text: str) -> str:
    """ "Washington DC office" -> "Oficina de Washington DC"; "Contact form" -> "Formulario de contacto"."""
    return _through(LABELS, text)


def party_name(text: str) -> str:
    """ "Republican" -> "Republicano"."""
    text = (text or "").strip()
    if not text or _in_english():
        return text
    return str(PARTIES.get(text.lower(), text))
