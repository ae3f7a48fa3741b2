"""The writer every holder importer shares: people, offices, terms and contact points, upserted.

A snapshot is planned first (PlannedHolding, PlannedContact), then written here. A newer
snapshot ends the terms of holders who left (on `snapshot_date`, else the day before the
import), starts terms for arrivals, retires contact points that disappeared (is_active=False)
and updates the ones that changed. Person rows are never deleted, so a CallLog keeps pointing
at whoever held the office when the call was made.

Before it ends a term, replaces a contact point's value or retires one, the writer asks the
ChangePolicy (policy.py); what the policy holds is recorded for review and left as it was.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from ..models import ContactPoint, Division, Office, Person, Term
from .common import ImportResult
from .contact_writer import ContactPointWriter, PlannedContact
from .policy import ChangePolicy, staff_entered


@dataclass
class PlannedHolding:
    """One person holding one office, as a snapshot says."""

    person_key: str  # bioguide or Open States id
    person_fields: dict
    role: str
    division_id: str  # OCD id
    seat: str
    title: str
    start: datetime.date | None
    party: str
    contacts: list[PlannedContact]
    where: str  # file and row, for messages
    end: datetime.date | None = None  # the scheduled last day, when the data knows it
    # The same source names who comes next (the end is then the day before their first day).
    successor_known: bool = False


class HoldingWriter(ContactPointWriter):
    """Writes planned holdings: upserts people and offices, moves terms, syncs contact points.

    Everything it may touch is loaded up front, so a run that changes nothing costs a
    handful of queries whatever the size of the file.
    """

    def __init__(
        self,
        *,
        result: ImportResult,
        source: str,
        person_key_field: str,
        roles: list[str],
        end_date: datetime.date,
        contact_prefix: str,
        knows_term_ends: bool = False,
    ):
        # True when the source gives every term's scheduled end (executives); Congress files leave
        # a current term's end to the next snapshot, so an end staff set by hand is not cleared.
        self.knows_term_ends = knows_term_ends
        self.result = result
        self.source = source
        self.key_field = person_key_field
        self.roles = roles
        self.end_date = end_date
        self.contact_prefix = contact_prefix
        self.divisions = {d.ocd_id: d for d in Division.objects.all()}
        self.people = {
            getattr(p, person_key_field): p for p in Person.objects.filter(**{f"{person_key_field}__isnull": False})
        }
        self.offices = {(o.role, o.division_id, o.seat): o for o in Office.objects.filter(role__in=roles)}
        self.today = timezone.localdate()
        self.policy = ChangePolicy(source=source, result=result, today=self.today, roles=roles)
        self.open_terms = list(
            Term.objects.filter(office__role__in=roles).current(on=self.today).select_related("person")
        )
        # Terms that start later (a successor imported ahead of the change-over).
        self.future_terms = list(
            Term.objects.filter(office__role__in=roles, start__gt=self.today).select_related("person")
        )
        # Ended terms with a known first day: a holder listed again with the same first day gets the
        # same term back (a bad file's ends undone, a switch between sources) instead of a second one.
        self.ended_terms = {
            (t.office_id, t.person_id, t.start): t
            for t in Term.objects.filter(office__role__in=roles, end__lt=self.today, start__isnull=False)
        }
        # Contact points this importer owns, by upstream key.
        self.contacts = {
            cp.source_key: cp
            for cp in ContactPoint.objects.filter(source_key__startswith=contact_prefix, is_active=True)
        }
        self.seen_contacts: set[str] = set()
        self.kept_terms: set[int] = set()

    # -- offices ----------------------------------------------------------------
    def office(self, *, role: str, division: Division, seat: str, title: str) -> Office:
        key = (role, division.pk, seat)
        office = self.offices.get(key)
        if office is None:
            office = Office.objects.create(role=role, division=division, seat=seat, title=title)
            self.offices[key] = office
            self.result.add("office", "created")
        elif office.title != title or not office.is_active:
            office.title, office.is_active = title, True
            office.save(update_fields=["title", "is_active"])
            self.result.add("office", "updated")
        else:
            self.result.add("office", "unchanged")
        return office

    # -- people -----------------------------------------------------------------
    def person(self, key: str, fields: dict, *, office: Office | None = None) -> Person:
        person = self.people.get(key)
        if person is None and office is not None:
            terms = [*self.open_terms, *self.future_terms]
            person = staff_entered(terms, office=office, name=fields.get("name", ""), key_field=self.key_field)
            if person is not None:
                # Staff entered this holder before the source had them: one Person, now with its upstream id.
                setattr(person, self.key_field, key)
                person.save(update_fields=[self.key_field])
                self.people[key] = person
                self.result.add("person", "merged")
        if person is None:
            person = Person.objects.create(**{self.key_field: key}, **fields)
            self.people[key] = person
            self.result.add("person", "created")
            return person
        changed = [k for k, v in fields.items() if getattr(person, k) != v and k not in person.staff_fields]
        if changed:
            for k in changed:
                setattr(person, k, fields[k])
            person.save(update_fields=changed)
            self.result.add("person", "updated")
        else:
            self.result.add("person", "unchanged")
        return person

    # -- terms ------------------------------------------------------------------
    def _propose_end(self, term: Term, on: datetime.date, *, successor_known: bool, upstream_end: bool = False) -> bool:
        """End `term` on `on` if the policy allows it, else hold it for review. True when ended."""
        on = max(on, term.start) if term.start else on
        reason = self.policy.end_reason(term, on=on, successor_known=successor_known, upstream_end=upstream_end)
        if reason:
            self.policy.hold_end(term, on=on, reason=reason)
            self.kept_terms.add(term.pk)
            return False
        self._end(term, on)
        return True

    def _end(self, term: Term, on: datetime.date) -> None:
        term.end = max(on, term.start) if term.start else on
        term.save(update_fields=["end"])
        self.result.add("term", "ended")
        # The holder's own contact points for that office go with them.
        for cp in ContactPoint.objects.filter(office=term.office, person=term.person, is_active=True):
            cp.is_active = False
            cp.save(update_fields=["is_active", "updated_at"])
            self.contacts.pop(cp.source_key, None)
            self.result.add("contact point", "ended")

    def hold(self, holding: PlannedHolding, office: Office, person: Person) -> Term:
        """Make `person` the current holder of `office`, ending whoever held it (or held another seat)."""
        term = next((t for t in self.open_terms if t.office_id == office.pk and t.person_id == person.pk), None)
        if term is not None:
            self._keep_holding(term, holding)
            return term
        others = [t for t in self.open_terms if t.office_id == office.pk or t.person_id == person.pk]
        kept = self._end_would_erase(others, holding, office=office, person=person)
        if kept is not None:
            return kept
        for other in others:
            # Someone else held this seat, or this person held another seat (House -> Senate).
            self._end(other, self._end_before(holding.start))
            self.open_terms.remove(other)
        return self._term_back(holding, office=office, person=person) or self._term_new(
            holding, office=office, person=person
        )

    def _keep_holding(self, term: Term, holding: PlannedHolding) -> None:
        """The holder already holds the office: their party, and the scheduled end when the source knows ends."""
        self._cap_at_staff_successor(holding, office_id=term.office_id, person_id=term.person_id)
        if self.knows_term_ends and holding.end != term.end:
            shortens = holding.end is not None and (term.end is None or holding.end < term.end)
            if shortens and not self._may_shorten(term, holding):
                self._update_term(term, party=holding.party)
            else:
                self._update_term(term, party=holding.party, end=holding.end)
        else:
            self._update_term(term, party=holding.party)
        self.kept_terms.add(term.pk)

    def _cap_at_staff_successor(self, holding: PlannedHolding, *, office_id: int, person_id: int) -> None:
        """Staff entered the successor: the source's later end date does not overlap them."""
        staff_next = [
            t.start
            for t in self.future_terms
            if t.office_id == office_id and t.person_id != person_id and t.source == "staff"
        ]
        if staff_next:
            cap = min(staff_next) - datetime.timedelta(days=1)
            holding.end = cap if holding.end is None or holding.end > cap else holding.end
            holding.successor_known = True

    def _end_would_erase(self, others: list[Term], holding: PlannedHolding, *, office: Office, person: Person):
        """The office's holder kept (and held for review) when ending them would come before their own first day.

        That is the same person under a second id, or a bad date; None when every end is sound.
        """
        on = self._end_before(holding.start)
        for other in others:
            if other.office_id == office.pk and other.start and on < other.start:
                self.policy.hold_end(
                    other,
                    on=on,
                    reason=(
                        f"{self.source} lists {person.name} as holder from {holding.start}; ending "
                        f"{other.person.name}'s term, which began {other.start}, on {on} would erase it: "
                        "the same person under a second id, or a wrong start date"
                    ),
                )
                self.kept_terms.add(other.pk)
                return other
        return None

    def _term_back(self, holding: PlannedHolding, *, office: Office, person: Person) -> Term | None:
        """An ended term with the same first day, opened again (a bad file's ends undone, a switch between sources)."""
        ended = self.ended_terms.pop((office.pk, person.pk, holding.start), None)
        if ended is None:
            return None
        ended.end, ended.party = holding.end, holding.party
        ended.save(update_fields=["end", "party"])
        self.open_terms.append(ended)
        self.kept_terms.add(ended.pk)
        self.result.add("term", "updated")
        return ended

    def _term_new(self, holding: PlannedHolding, *, office: Office, person: Person) -> Term:
        term = Term.objects.create(
            person=person, office=office, start=holding.start, end=holding.end, party=holding.party, source=self.source
        )
        self.open_terms.append(term)
        self.kept_terms.add(term.pk)
        self.result.add("term", "created")
        return term

    def _may_shorten(self, term: Term, holding: PlannedHolding) -> bool:
        """A scheduled last day for a current holder: applied only when the source names the successor."""
        reason = self.policy.end_reason(
            term, on=holding.end, successor_known=holding.successor_known, upstream_end=True
        )
        if reason:
            self.policy.hold_end(term, on=holding.end, reason=reason)
            return False
        return True

    def _update_term(self, term: Term, **values) -> None:
        changed = [k for k, v in values.items() if getattr(term, k) != v]
        for k in changed:
            setattr(term, k, values[k])
        if changed:
            term.save(update_fields=changed)
        self.result.add("term", "updated" if changed else "unchanged")

    def hold_from(self, holding: PlannedHolding, office: Office, person: Person) -> Term:
        """A term that starts later: stored now, current from its first day.

        Whoever holds the office then leaves the day before, unless the data ends them earlier.
        """
        last_day = holding.start - datetime.timedelta(days=1)
        for other in self.open_terms:
            if (
                other.office_id == office.pk
                and other.person_id != person.pk
                and (other.end is None or other.end > last_day)
            ):
                other.end = max(last_day, other.start) if other.start else last_day
                other.save(update_fields=["end"])
                self.result.add("term", "updated")
        term = next((t for t in self.future_terms if t.office_id == office.pk and t.person_id == person.pk), None)
        if term is not None and term.source == "staff":
            # Staff's first day stands; the source's party and scheduled end fill in.
            self._update_term(term, end=holding.end or term.end, party=holding.party or term.party)
        elif term is not None:
            self._update_term(term, start=holding.start, end=holding.end, party=holding.party)
        else:
            term = Term.objects.create(
                person=person,
                office=office,
                start=holding.start,
                end=holding.end,
                party=holding.party,
                source=self.source,
            )
            self.future_terms.append(term)
            self.result.add("term", "created")
        self.kept_terms.add(term.pk)
        return term

    def drop_unlisted_future(self, *, office_ids: set[int]) -> None:
        """Forget terms that were to start later and that the data no longer lists: they never began."""
        for term in list(self.future_terms):
            # A holder staff entered ahead of every source stays until staff remove it.
            if term.pk not in self.kept_terms and term.office_id in office_ids and term.source != "staff":
                term.delete()
                self.future_terms.remove(term)
                self.result.add("term", "ended")

    def _end_before(self, start: datetime.date | None) -> datetime.date:
        """The last day of the outgoing term: the day before the arrival started, if that is known and earlier."""
        if start is not None:
            return min(self.end_date, start - datetime.timedelta(days=1))
        return self.end_date

    def end_unlisted(self, *, office_ids: set[int] | None = None) -> None:
        """End open terms the snapshot no longer lists (only on `office_ids` when given): held for review."""
        for term in list(self.open_terms):
            if term.pk in self.kept_terms:
                continue
            if office_ids is not None and term.office_id not in office_ids:
                continue
            if self._propose_end(term, self.end_date, successor_known=False):
                self.open_terms.remove(term)

    def end_person_on_office(
        self, *, person_key: str, office: Office, on: datetime.date, successor_known: bool = False
    ) -> None:
        person = self.people.get(person_key)
        if person is None:
            return
        for term in [t for t in self.open_terms if t.office_id == office.pk and t.person_id == person.pk]:
            if self._propose_end(term, on, successor_known=successor_known, upstream_end=True):
                self.open_terms.remove(term)
