"""An executive office's own contact points, planned from a holder's row (state-executives.csv or Open States).

The capitol line, contact form, email and fax belong to the office, not to whoever holds it: their
source keys name the office (office_contact_key), so a new holder keeps the office's numbers.
"""

from __future__ import annotations

from ..models import ContactPoint, OfficeRole
from .common import phone_or_warning
from .contact_writer import PlannedContact
from .ocd import role_name


def tidy_address(text: str) -> str:
    """Upstream writes lines with ";" and stray spaces ("Dover, DE  19901;"): one line, single spaces."""
    parts = (" ".join(part.split()) for part in text.split(";"))
    return ", ".join(part.strip(" ,") for part in parts if part.strip(" ,"))


def office_contact_key(role: str, division_id: str, kind: str) -> str:
    return f"openstates:office:{role}:{division_id}:{kind}"


def executive_contacts(row: dict, *, role: str, state: str, division_id: str, result, where: str):
    """The office's own contact points from a holder's row: the capitol line, contact form, email and fax."""
    contacts = []
    phone = phone_or_warning(row["phone"], result=result, where=f"{where} ({row['name']}) phone")
    label = (
        "Office of the Mayor" if (role == OfficeRole.GOVERNOR and state == "DC") else f"Office of the {role_name(role)}"
    )
    if phone:
        contacts.append(
            PlannedContact(
                source_key=office_contact_key(role, division_id, "phone"),
                kind=ContactPoint.Kind.PHONE,
                value=phone,
                label=label,
                address=tidy_address(row["address"]),
                is_capitol=True,
            )
        )
    if row["contact_form"]:
        contacts.append(
            PlannedContact(
                source_key=office_contact_key(role, division_id, "form"),
                kind=ContactPoint.Kind.CONTACT_FORM,
                value=row["contact_form"],
                label="Contact form",
                position=1,
            )
        )
    if row["email"]:
        contacts.append(
            PlannedContact(
                source_key=office_contact_key(role, division_id, "email"),
                kind=ContactPoint.Kind.EMAIL,
                value=row["email"],
                label="Email",
                position=2,
            )
        )
    fax = phone_or_warning(row["fax"], result=result, where=f"{where} ({row['name']}) fax")
    if fax:
        contacts.append(
            PlannedContact(
                source_key=office_contact_key(role, division_id, "fax"),
                kind=ContactPoint.Kind.FAX,
                value=fax,
                label="Fax",
                position=3,
            )
        )
    return contacts
