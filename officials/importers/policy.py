"""What a refresh may change on its own, and what it must hold for a person to decide.

Every holder importer (Congress, the curated CSV, Open States) writes through HoldingWriter,
and the writer asks this policy before it ends a term, replaces a contact point's value or
retires one. So on the same facts the same office gets the same holder whichever source
brought them. Applied without review:

- a new value for a machine-sourced field (a new phone for the same holder, a new district office);
- a holder's term ended because the same source lists their successor (or lists the holder in
  another seat: House to Senate).

Held (a PendingChange with its reason, nothing written):

- ending a holder when the source lists no successor (a scheduled last day more than 60 days
  ahead is applied: the Needs attention page lists it when it comes close), or when the end date
  it gives had already passed before this refresh (upstream has not entered a re-election);
- replacing or removing a value a person set or confirmed (an admin edit, an accepted
  wrong-number report, a curated file's row) with a machine source's;
- more than OFFICIALS_REFRESH_MAX_CHANGE_SHARE of one source's rows at once (refresh.py
  holds the whole source: a truncated or broken upstream file).

A change staff rejected is not proposed again until the source proposes a different value.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from ..models import ContactPoint, Office, PendingChange, Term
from .common import ImportResult

# Sources whose rows a person checked before they were published; the rest are machine sources.
PERSON_CHECKED_SOURCES = frozenset({"state_executives", "staff"})
PERSON_ORIGINS = frozenset({"curated", "staff", "report"})
# Values staff typed are above any file, curated ones too.
STAFF_ORIGINS = frozenset({"staff", "report"})
DEFAULT_MAX_CHANGE_SHARE = 0.10
# A scheduled last day this close, with no successor listed, needs a person (the Needs attention window).
SCHEDULED_END_NOTICE_DAYS = 60


def max_change_share() -> float:
    return float(getattr(settings, "OFFICIALS_REFRESH_MAX_CHANGE_SHARE", DEFAULT_MAX_CHANGE_SHARE))


_KIND_NAMES = {"phone": "phone", "fax": "fax", "form": "contact form", "email": "email", "postal": "address"}


def contact_field_name(cp: ContactPoint, field: str) -> str:
    kind = _KIND_NAMES.get(cp.kind, cp.kind)
    what = f"{kind} ({cp.label})" if cp.label and cp.label.lower() != kind else kind
    return what if field == "value" else f"{what} {field}"


def _origin_text(origin: str) -> str:
    return {
        "curated": "a curated file's row",
        "staff": "a staff edit",
        "report": "an accepted wrong-number report",
    }.get(origin, "a person")


class ChangePolicy:
    """The rules above, for one importer run; it records what it held on the ImportResult."""

    def __init__(self, *, source: str, result: ImportResult, today: datetime.date | None = None, roles=None):
        self.source = source
        self.roles = list(roles) if roles is not None else None
        self.result = result
        self.today = today or timezone.localdate()
        self.person_checked = source in PERSON_CHECKED_SOURCES
        self.proposed: set[int] = set()

    @property
    def origin(self) -> str:
        """The origin of a value this source writes."""
        return "curated" if self.person_checked else ""

    # -- the rules -------------------------------------------------------------------
    def end_reason(self, term: Term, *, on: datetime.date, successor_known: bool, upstream_end: bool) -> str:
        """Why ending `term` on `on` needs a person, or "" when it may be applied.

        `upstream_end`: the source gave this date as the term's end (not "missing from the file").
        """
        if upstream_end and on < self.today:
            return (
                f"the source says the term ended on {on}, a date already past before this refresh: "
                "most likely a re-election or reappointment upstream has not entered yet"
                + ("" if successor_known else "; no successor is listed")
            )
        if not successor_known:
            if upstream_end and on >= self.today + datetime.timedelta(days=SCHEDULED_END_NOTICE_DAYS):
                # A last day far ahead is news, not an emptied office: Needs attention lists it in time.
                return ""
            if upstream_end:
                return f"the source sets the last day to {on}, within {SCHEDULED_END_NOTICE_DAYS} days, and lists no successor"
            return f"{self.source} no longer lists this holder and lists no successor"
        if term.source in PERSON_CHECKED_SOURCES and not self.person_checked and on < self.today:
            return f"the holder was entered by {term.source}; a machine source may not end the term retroactively"
        return ""

    def replace_reason(self, cp: ContactPoint, *, field: str, new: str) -> str:
        if getattr(cp, field) == new:
            return ""
        if cp.origin in STAFF_ORIGINS or (cp.origin in PERSON_ORIGINS and not self.person_checked):
            return f"the current value was set or confirmed by {_origin_text(cp.origin)}; {self.source} differs"
        return ""

    def retire_reason(self, cp: ContactPoint) -> str:
        if cp.origin in STAFF_ORIGINS or (cp.origin in PERSON_ORIGINS and not self.person_checked):
            return f"the value was set or confirmed by {_origin_text(cp.origin)}; {self.source} no longer lists it"
        return ""

    # -- holding ---------------------------------------------------------------------
    def hold(
        self,
        *,
        kind: str,
        office: Office | None,
        field: str,
        current: str,
        proposed: str,
        reason: str,
        subject: str,
        payload: dict,
    ) -> PendingChange | None:
        """Record a held change, unless staff already rejected exactly this proposal."""
        earlier = PendingChange.objects.filter(subject=subject, proposed_value=proposed).exclude(
            status=PendingChange.Status.APPROVED
        )
        rejected = earlier.filter(status=PendingChange.Status.REJECTED).first()
        where = f"{office}: " if office is not None else ""
        if rejected is not None:
            self.proposed.add(rejected.pk)
            self.result.add("change", "still rejected")
            self.result.rejected.append(f"{where}{field}: {proposed or '(none)'} (rejected earlier, not applied)")
            return None
        change = earlier.filter(status=PendingChange.Status.HELD).first()
        now = timezone.now()
        if change is None:
            # A different proposal for the same thing replaces a held one that was never decided.
            PendingChange.objects.filter(subject=subject, status=PendingChange.Status.HELD).delete()
            change = PendingChange.objects.create(
                kind=kind,
                office=office,
                field=field,
                current_value=current,
                proposed_value=proposed,
                source=self.source,
                reason=reason,
                subject=subject,
                payload=payload,
                created_at=now,
                last_proposed_at=now,
            )
        else:
            change.current_value, change.reason, change.payload, change.last_proposed_at = current, reason, payload, now
            change.save(update_fields=["current_value", "reason", "payload", "last_proposed_at"])
        self.proposed.add(change.pk)
        self.result.add("change", "held")
        self.result.held.append(f"{where}{field}: {current or '(none)'} -> {proposed or '(none)'} ({reason})")
        return change

    def hold_end(self, term: Term, *, on: datetime.date, reason: str) -> None:
        self.hold(
            kind=PendingChange.Kind.END_TERM,
            office=term.office,
            field="holder",
            current=f"{term.person.name} (in office{f' until {term.end}' if term.end else ''})",
            proposed=f"{term.person.name} leaves; last day {on}",
            reason=reason,
            subject=f"term:{term.pk}:end",
            payload={"term": term.pk, "end": on.isoformat()},
        )

    def hold_replace(self, cp: ContactPoint, *, field: str, new: str, reason: str) -> None:
        self.hold(
            kind=PendingChange.Kind.CONTACT,
            office=cp.office,
            field=contact_field_name(cp, field),
            current=getattr(cp, field),
            proposed=new,
            reason=reason,
            subject=f"contact:{cp.pk}:{field}",
            payload={"contact_point": cp.pk, "field": field, "value": new},
        )

    def hold_retire(self, cp: ContactPoint, *, reason: str) -> None:
        self.hold(
            kind=PendingChange.Kind.CONTACT,
            office=cp.office,
            field=contact_field_name(cp, "value"),
            current=cp.value,
            proposed="",
            reason=reason,
            subject=f"contact:{cp.pk}:retire",
            payload={"contact_point": cp.pk, "retire": True},
        )

    def finish(self) -> None:
        """Held proposals of this source that it no longer makes (upstream caught up) are withdrawn."""
        withdrawn = PendingChange.objects.filter(
            source=self.source,
            status=PendingChange.Status.HELD,
            kind__in=[PendingChange.Kind.END_TERM, PendingChange.Kind.CONTACT],
        ).exclude(pk__in=self.proposed)
        if self.roles is not None:
            # An import of some roles (--roles governor) speaks only for those offices.
            withdrawn = withdrawn.filter(office__role__in=self.roles)
        withdrawn.delete()


# ------------------------------------------------------------------------------
# Merging an upstream record into a holder staff entered first
# ------------------------------------------------------------------------------
def name_key(name: str) -> str:
    """A name compared without case, spacing or initials: "Josh  H. Stein" matches "josh stein"."""
    parts = [p.strip(".,").casefold() for p in name.split()]
    parts = [p for p in parts if len(p) > 1]
    return f"{parts[0]} {parts[-1]}" if len(parts) >= 2 else " ".join(parts)


def staff_entered(terms, *, office: Office, name: str, key_field: str):
    """The Person staff entered for `office` (a "staff" term, no upstream id yet) with the same name, or None."""
    wanted = name_key(name)
    for term in terms:
        if term.office_id != office.pk or term.source != "staff":
            continue
        person = term.person
        if getattr(person, key_field) is None and name_key(person.name) == wanted:
            return person
    return None
