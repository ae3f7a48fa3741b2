"""Open States person files and tarballs in the real openstates/people layout, for refresh tests.

GitHub packs the repository's main branch as `people-main/data/<st>/executive/<Name>-<uuid>.yml`
(plus legislature/, municipalities.yml and the rest, which the importer must skip). The person
files use the repository's own field names: id, name, given_name, family_name, image, party,
roles (type, start_date, end_date, jurisdiction), offices (classification, address, voice, fax),
links (url, note: webform), other_names, sources.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import yaml

# The folder GitHub's tarball of the main branch unpacks to.
REPOSITORY = "people-main"


def person_yaml(
    *,
    uuid: str,
    name: str,
    role: str,
    state: str,
    start: str,
    end: str | None,
    phone: str = "",
    address: str = "",
    webform: str = "",
    website: str = "",
    party: str = "Republican",
    other_names: list[str] = (),
) -> str:
    given, _, family = name.rpartition(" ")
    role_entry = {"start_date": start}
    if end:
        role_entry["end_date"] = end
    role_entry.update(type=role, jurisdiction=f"ocd-jurisdiction/country:us/state:{state}/government")
    person = {
        "id": f"ocd-person/{uuid}",
        "name": name,
        "given_name": given,
        "family_name": family,
        "image": f"https://example.org/{family.lower()}.jpg",
        "party": [{"name": party}],
        "roles": [role_entry],
    }
    if other_names:
        person["other_names"] = [{"name": n} for n in other_names]
    if phone or address:
        person["offices"] = [{"classification": "capitol", "address": address, "voice": phone}]
    links = [{"url": website}] if website else []
    if webform:
        links.append({"url": webform, "note": "webform"})
    if links:
        person["links"] = links
    person["sources"] = [{"url": website or "https://example.org/"}]
    return yaml.safe_dump(person, sort_keys=False, allow_unicode=True)


def people_tarball(path: Path, files: dict[str, str | bytes]) -> Path:
    """A .tar.gz holding `files` ({"people-main/data/ak/executive/Name-uuid.yml": text})."""
    with tarfile.open(path, "w:gz") as archive:
        for member, content in sorted(files.items()):
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def shared_executive_files(shared_data: Path) -> dict[str, bytes]:
    """The public data's Open States executive files (copied unchanged from upstream), in the repository layout."""
    root = shared_data / "state-executives" / "openstates-executive"
    return {
        f"{REPOSITORY}/data/{path.parent.name}/executive/{path.name}": path.read_bytes()
        for path in sorted(root.glob("*/*.yml"))
    }
