"""Writes staff make on what a refresh could not decide: held changes, incoming officeholders.

A held change (PendingChange, made by officials/importers/policy.py) is approved, which applies its
payload, or rejected, which is remembered so the same proposal is not held again. An incoming
officeholder is entered before any source lists them and takes office on their first day.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import (
    ContactPoint,
    ContactPointChange,
    IncomingOfficeholder,
    PendingChange,
    Person,
    Term,
)
from .phones import InvalidPhoneNumber, phone_normalise


class ChangeNotPending(ValidationError):
    pass


def _decide(change: PendingChange, *, status: str, user) -> None:
    change.status = status
    change.decided_by = user
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])


def _locked_pending(change: PendingChange) -> PendingChange:
    change = PendingChange.objects.select_for_update().get(pk=change.pk)
    if change.status != PendingChange.Status.HELD:
        raise ChangeNotPending(f"This change was already {change.get_status_display().lower()}.")
    return change


def pending_change_approve(*, change: PendingChange, user) -> PendingChange:
    """Apply a held change as the source proposed it, recorded as decided by `user`."""
    if change.kind == PendingChange.Kind.SOURCE:
        return _approve_source(change=change, user=user)
    with transaction.atomic():
        change = _locked_pending(change)
        if change.kind == PendingChange.Kind.END_TERM:
            _apply_end(change.payload)
        elif change.kind == PendingChange.Kind.CONTACT:
            _apply_contact(change.payload, user=user)
        _decide(change, status=PendingChange.Status.APPROVED, user=user)
    return change


def _apply_end(payload: dict) -> None:
    term = Term.objects.select_for_update().get(pk=payload["term"])
    end = datetime.date.fromisoformat(payload["end"])
    if term.start and end < term.start:
        end = term.start
    if term.end is None or term.end > end:
        term.end = end
        term.save(update_fields=["end"])
    # The holder's own lines go with them, as when an import ends a term.
    for cp in ContactPoint.objects.filter(office=term.office, person=term.person, is_active=True):
        cp.is_active = False
        cp.save(update_fields=["is_active", "updated_at"])


def _apply_contact(payload: dict, *, user) -> None:
    cp = ContactPoint.objects.select_for_update().get(pk=payload["contact_point"])
    if payload.get("retire"):
        cp.is_active = False
        cp.save(update_fields=["is_active", "updated_at"])
        return
    field, value = payload["field"], payload["value"]
    ContactPointChange.objects.create(
        contact_point=cp, changed_by=user, field=field, old_value=getattr(cp, field), new_value=value
    )
    setattr(cp, field, value)
    # Staff approved it: from now on it is a value a person confirmed.
    cp.origin = "staff"
    cp.save(update_fields=[field, "origin", "updated_at"])


def _approve_source(*, change: PendingChange, user) -> PendingChange:
    """Re-read the held source and apply it without the share limit (the other rules still apply)."""
    from .refresh import RefreshFailed, officials_refresh

    with transaction.atomic():
        change = _locked_pending(change)
        _decide(change, status=PendingChange.Status.APPROVED, user=user)
    try:
        officials_refresh(sources=change.payload["sources"], max_share=None, notify=False)
    except RefreshFailed as exc:
        PendingChange.objects.filter(pk=change.pk).update(
            status=PendingChange.Status.HELD, decided_by=None, decided_at=None
        )
        raise ValidationError(f"The source could not be read again, nothing was applied: {exc}") from exc
    return change


def pending_change_reject(*, change: PendingChange, user) -> PendingChange:
    """Keep the data as it is; the same proposal from the same source is not held again."""
    with transaction.atomic():
        change = _locked_pending(change)
        _decide(change, status=PendingChange.Status.REJECTED, user=user)
    return change


# ------------------------------------------------------------------------------
# Incoming officeholders
# ------------------------------------------------------------------------------
@transaction.atomic
def incoming_officeholder_record(*, incoming: IncomingOfficeholder, user) -> IncomingOfficeholder:
    """Make (or update) the Person and the Term from the first day; the outgoing holder leaves the day before.

    Fields staff gave (photo, party) are kept over any source later; contact overrides become the
    holder's own lines on the office, shown while they hold it.
    """
    office = incoming.office
    if office.is_organisation:
        raise ValidationError({"office": "An organisation has no officeholder."})
    phone = ""
    if incoming.phone:
        try:
            phone = phone_normalise(incoming.phone)
        except InvalidPhoneNumber as exc:
            raise ValidationError({"phone": f"Not a valid phone number: {exc}"}) from None
    given, _, family = incoming.name.strip().rpartition(" ")
    person_fields = {
        "name": incoming.name.strip(),
        "given_name": given.split(" ")[0] if given else "",
        "family_name": family,
        "party": incoming.party,
        "photo_url": incoming.photo_url,
        "email": incoming.email,
    }
    staff_fields = ["name", "party"] + [f for f in ("photo_url", "email") if person_fields[f]]
    person = incoming.person
    if person is None:
        person = Person.objects.create(**person_fields, staff_fields=staff_fields)
    else:
        for key, value in person_fields.items():
            setattr(person, key, value)
        person.staff_fields = sorted(set(person.staff_fields) | set(staff_fields))
        person.save()
    last_day = incoming.first_day - datetime.timedelta(days=1)
    others = Term.objects.select_for_update().filter(office=office).exclude(person=person)
    for other in others.filter(start__lt=incoming.first_day):
        if other.end is None or other.end > last_day:
            other.end = last_day
            other.save(update_fields=["end"])
    term = incoming.term or Term.objects.filter(office=office, person=person).first()
    if term is None:
        term = Term.objects.create(
            person=person, office=office, start=incoming.first_day, party=incoming.party, source="staff"
        )
    else:
        term.start, term.party, term.source = incoming.first_day, incoming.party, "staff"
        term.save(update_fields=["start", "party", "source"])
    for kind, value, label, position in (
        (ContactPoint.Kind.PHONE, phone, "Office line", 0),
        (ContactPoint.Kind.CONTACT_FORM, incoming.contact_form, "Contact form", 1),
    ):
        existing = ContactPoint.objects.filter(office=office, person=person, kind=kind, source_key__startswith="staff:")
        if value:
            cp = existing.first() or ContactPoint(office=office, person=person, kind=kind)
            cp.value, cp.label, cp.position, cp.origin = value, label, position, "staff"
            cp.is_capitol = kind == ContactPoint.Kind.PHONE
            cp.source_key, cp.is_active = f"staff:incoming:{person.pk}:{kind}", True
            cp.save()
        else:
            existing.update(is_active=False)
    incoming.person, incoming.term = person, term
    if incoming.created_by_id is None:
        incoming.created_by = user
    incoming.save()
    return incoming


# ------------------------------------------------------------------------------
# Many incoming officeholders at once (a CSV, for the January turnover)
# ------------------------------------------------------------------------------
INCOMING_COLUMNS = ["state", "role", "name", "party", "first_day", "photo_url", "phone", "contact_form", "email"]
INCOMING_REQUIRED = ["state", "role", "name", "first_day"]


def incoming_officeholders_import(*, source, user=None, dry_run: bool = False) -> tuple[int, int]:
    """Incoming officeholders from a CSV (columns INCOMING_COLUMNS; photo, phone, form, email optional).

    Every row is checked first (state, role, an existing office, the date, the phone); a bad file
    raises ImportFileError naming the row and writes nothing. A row for an office and name already
    entered updates it. Returns (entered, updated).
    """
    from django.core.exceptions import ValidationError as DjangoValidationError
    from django.core.validators import URLValidator, validate_email

    from .importers import EXECUTIVE_ROLES, ImportFileError, executive_role_name
    from .importers.common import parse_date
    from .importers.sources import csv_rows, read_source
    from .models import Office, OfficeRole

    name = str(source)
    rows = csv_rows(read_source(source), name, None, required=INCOMING_REQUIRED)
    roles = {**EXECUTIVE_ROLES, **{r.value.replace("_", " "): r.value for r in OfficeRole}}
    planned = []
    for number, row in rows:

        def fail(field, reason, number=number):
            raise ImportFileError(file=name, row=number, field=field, reason=reason)

        state = row["state"].upper()
        role = roles.get(executive_role_name(row["role"]))
        if role is None or role == OfficeRole.ORGANISATION:
            fail("role", f"{row['role']!r} is not an office role ({', '.join(sorted(EXECUTIVE_ROLES))})")
        offices = Office.objects.filter(role=role, division__state=state, is_active=True)
        if offices.count() != 1:
            fail("state", f"no single {OfficeRole(role).label} office for {state!r} (import the officials first)")
        if not " ".join(row["name"].split()):
            fail("name", "empty")
        first_day = parse_date(row["first_day"], file=name, row=number, field="first_day")
        if first_day is None:
            fail("first_day", "empty")
        phone = row.get("phone", "")
        if phone:
            try:
                phone = phone_normalise(phone)
            except InvalidPhoneNumber as exc:
                fail("phone", f"not a valid phone number: {exc}")
        for field in ("photo_url", "contact_form"):
            if row.get(field):
                try:
                    URLValidator(schemes=["http", "https"])(row[field])
                except DjangoValidationError:
                    fail(field, f"{row[field]!r} is not an http(s) URL")
        if row.get("email"):
            try:
                validate_email(row["email"])
            except DjangoValidationError:
                fail("email", f"{row['email']!r} is not an email address")
        planned.append(
            dict(
                office=offices.get(),
                name=" ".join(row["name"].split()),
                party=row.get("party", "")[:50],
                first_day=first_day,
                photo_url=row.get("photo_url", ""),
                phone=phone,
                contact_form=row.get("contact_form", ""),
                email=row.get("email", ""),
            )
        )
    entered = updated = 0
    with transaction.atomic():
        for values in planned:
            incoming = IncomingOfficeholder.objects.filter(office=values["office"], name=values["name"]).first()
            if incoming is None:
                incoming = IncomingOfficeholder(**values)
                entered += 1
            else:
                for key, value in values.items():
                    setattr(incoming, key, value)
                updated += 1
            incoming_officeholder_record(incoming=incoming, user=user)
        if dry_run:
            transaction.set_rollback(True)
    return entered, updated
