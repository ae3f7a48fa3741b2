"""The contact points half of the shared holder writer (writer.py): a snapshot's numbers, forms and addresses.

A contact point is upserted by its upstream key; one the snapshot no longer lists is retired
(is_active=False), never deleted, so its reports and a number staff corrected stay. Replacing
a value or retiring a line asks the ChangePolicy (policy.py) first.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import ContactPoint, ContactPointChange, Office, Person


@dataclass
class PlannedContact:
    source_key: str
    kind: str
    value: str
    label: str = ""
    address: str = ""
    hours: str = ""
    is_capitol: bool = False
    position: int = 0


class ContactPointWriter:
    """Syncs planned contact points; mixed into HoldingWriter, whose __init__ loads what these methods use.

    `contacts` (the active contact points this importer owns, by upstream key), `seen_contacts`,
    `policy` (ChangePolicy) and `result` (ImportResult).
    """

    def adopt_person_contacts(self, *, office: Office, contacts: list[PlannedContact]) -> None:
        """Earlier imports stored an executive's lines on the person; they become the office's.

        Keeping the row (rather than retiring it and making a new one) keeps its reports and a
        number staff corrected.
        """
        for planned in contacts:
            if planned.source_key in self.contacts:
                continue
            old = next(
                (
                    cp
                    for key, cp in self.contacts.items()
                    if key.startswith("openstates:ocd-person/")
                    and cp.office_id == office.pk
                    and cp.kind == planned.kind
                ),
                None,
            )
            if old is None:
                continue
            del self.contacts[old.source_key]
            old.source_key, old.person = planned.source_key, None
            old.save(update_fields=["source_key", "person", "updated_at"])
            self.contacts[planned.source_key] = old
            self.result.add("contact point", "updated")

    def contact(self, planned: PlannedContact, *, office: Office, person: Person | None) -> None:
        self.seen_contacts.add(planned.source_key)
        cp = self.contacts.get(planned.source_key)
        fields = {
            "office": office,
            "person": person,
            "kind": planned.kind,
            "value": planned.value,
            "label": planned.label[:200],
            "address": planned.address[:500],
            "hours": planned.hours[:200],
            "is_capitol": planned.is_capitol,
            "position": planned.position,
        }
        if cp is not None and (cp.office_id != office.pk or cp.kind != planned.kind):
            # The holder moved to another office (House -> Senate): the old line is history.
            cp.is_active = False
            cp.save(update_fields=["is_active", "updated_at"])
            self.result.add("contact point", "ended")
            cp = None
        if cp is None:
            self.contacts[planned.source_key] = ContactPoint.objects.create(
                source_key=planned.source_key, origin=self.policy.origin, **fields
            )
            self.result.add("contact point", "created")
            return
        for name in ("value", "address"):
            reason = self.policy.replace_reason(cp, field=name, new=fields[name])
            if reason:
                self.policy.hold_replace(cp, field=name, new=fields[name], reason=reason)
                fields.pop(name)
        if self.policy.person_checked and not cp.origin:
            # A curated file's row confirms the value: a machine source may not replace it unreviewed.
            fields["origin"] = self.policy.origin
        changed = [
            k
            for k, v in fields.items()
            if (getattr(cp, f"{k}_id") != (v.pk if v else None) if k in ("office", "person") else getattr(cp, k) != v)
        ]
        if not changed:
            self.result.add("contact point", "unchanged")
            return
        if "value" in changed:
            ContactPointChange.objects.create(
                contact_point=cp, changed_by=None, field="value", old_value=cp.value, new_value=planned.value
            )
        for k in changed:
            setattr(cp, k, fields[k])
        cp.save(update_fields=[*changed, "updated_at"])
        self.result.add("contact point", "updated")

    def retire_unseen_contacts(self, *, only_keys_with: set[str] | None = None) -> None:
        for key, cp in list(self.contacts.items()):
            if key in self.seen_contacts:
                continue
            if only_keys_with is not None and not any(key.startswith(p) for p in only_keys_with):
                continue
            reason = self.policy.retire_reason(cp)
            if reason:
                self.policy.hold_retire(cp, reason=reason)
                continue
            cp.is_active = False
            cp.save(update_fields=["is_active", "updated_at"])
            del self.contacts[key]
            self.result.add("contact point", "ended")
