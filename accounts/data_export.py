"""The sections that feature apps add to a volunteer's data export ("Download my data").

accounts sits below the feature apps and imports none of them, so each app that holds data
about a volunteer registers a section here from its AppConfig.ready() (tallies: the calls,
campaigns: the replies), and accounts.selectors.user_data_export lists them.
"""

from collections.abc import Callable
from typing import NamedTuple


class _Section(NamedTuple):
    position: int
    read: Callable


_SECTIONS: dict[str, _Section] = {}


def when(value):
    return value.isoformat() if value else None


def data_export_section_register(*, name: str, position: int, read: Callable) -> None:
    """`read(user=...)` returns the section's JSON-ready value; sections are listed by position."""
    _SECTIONS[name] = _Section(position, read)


def data_export_sections(*, user) -> dict:
    ordered = sorted(_SECTIONS, key=lambda name: _SECTIONS[name].position)
    return {name: _SECTIONS[name].read(user=user) for name in ordered}
