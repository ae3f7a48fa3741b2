"""Writes: importing a chapter's target list (all rows or none), renaming and deleting it."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import chapter_is_led_by
from officials import cache as officials_cache
from officials.models import ContactPoint, Office, OfficeRole, Person, Term

from .errors import TargetListInUse, TargetListInvalid, TargetListLimitReached, TargetListNameBlank, TargetListNameTaken
from .models import TargetList, TargetListChoice, TargetListMember
from .rows import ListRow, ParsedList

TERM_SOURCE = "target_list"


@dataclass
class ImportReport:
    target_list: TargetList | None
    rows: list[ListRow]
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    dry_run: bool = False
    retired_names: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return _("%(created)s created, %(updated)s updated, %(unchanged)s unchanged, %(retired)s retired") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "retired": self.retired,
        }


def _require_lead(*, chapter, user) -> None:
    if user is None:
        return  # the management command, run by whoever runs the server
    if not (user.is_authenticated and (user.is_staff or chapter_is_led_by(chapter=chapter, user=user))):
        raise PermissionDenied(_("Only a lead of this chapter can change its target lists."))


def _clean_name(*, chapter, name: str, exclude_pk=None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise TargetListNameBlank()
    if len(name) > 200:
        raise ValidationError({"name": _("Keep the name under 200 characters.")})
    others = TargetList.objects.filter(chapter=chapter, name__iexact=name)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise TargetListNameTaken()
    return name


def target_list_import(
    *,
    chapter,
    parsed: ParsedList,
    user=None,
    name: str | None = None,
    target_list: TargetList | None = None,
    dry_run: bool = False,
    api_fields: bool = False,
    is_sample: bool = False,
) -> ImportReport:
    """Create a list, or re-import one, from checked rows: every row is written or none is.

    A re-import matches rows to members by external_id (else name and title), updates them in
    place (their calls stay theirs), adds new ones and retires those no longer in the rows:
    their offices go inactive and their terms end, so past tallies and reports keep them.
    `dry_run` checks everything, counts what would change and rolls back.
    """
    _require_lead(chapter=chapter, user=user)
    if target_list is not None and target_list.chapter_id != chapter.pk:
        raise PermissionDenied(_("This list belongs to another chapter."))
    if not parsed.ok:
        raise TargetListInvalid(parsed, api_fields=api_fields)
    try:
        with transaction.atomic():
            report = _import(
                chapter=chapter, parsed=parsed, user=user, name=name, target_list=target_list, is_sample=is_sample
            )
            report.dry_run = dry_run
            if dry_run:
                raise _DryRun(report)
    except _DryRun as rolled_back:
        report = rolled_back.report
        report.target_list = target_list
    return report


class _DryRun(Exception):
    def __init__(self, report):
        self.report = report


def _list_for_import(*, chapter, user, name, target_list, is_sample) -> TargetList:
    """The list the rows go into, locked: a new one (within the chapter's limit) or the one named."""
    if target_list is None:
        name = _clean_name(chapter=chapter, name=name or "")
        # Locks the chapter's lists, so two imports at once cannot pass the limit together.
        count = TargetList.objects.select_for_update().filter(chapter=chapter).count()
        if count >= settings.TARGET_LISTS_PER_CHAPTER:
            raise TargetListLimitReached(
                _("This chapter already has %(count)s target lists, the most it may have. Delete one first.")
                % {"count": count}
            )
        return TargetList.objects.create(chapter=chapter, name=name, created_by=user, is_sample=is_sample)
    target_list = TargetList.objects.select_for_update().get(pk=target_list.pk)
    if name is not None and name != target_list.name:
        target_list.name = _clean_name(chapter=chapter, name=name, exclude_pk=target_list.pk)
    target_list.save()
    return target_list


@dataclass(frozen=True, slots=True)
class _ListState:  # a list's members as an import finds them, their offices' holders and list numbers
    current: dict
    retired: dict
    holders: dict[int, Term]
    points: dict[int, dict[str, ContactPoint]]


def _list_state(target_list: TargetList) -> _ListState:
    members = list(target_list.members.select_related("office").order_by("retired_at", "-id"))
    current = {m.key: m for m in members if m.retired_at is None}
    retired = {}
    for m in members:
        if m.retired_at is not None:
            retired.setdefault(m.key, m)
    office_ids = [m.office_id for m in members]
    holders: dict[int, Term] = {}
    # Newest start first, as officials' own lookups read the holder.
    for term in Term.objects.current().filter(office_id__in=office_ids).select_related("person").order_by("-start"):
        holders.setdefault(term.office_id, term)
    points: dict[int, dict[str, ContactPoint]] = {}
    for cp in ContactPoint.objects.filter(office_id__in=office_ids, source_key__startswith="list:"):
        points.setdefault(cp.office_id, {})[cp.source_key] = cp
    return _ListState(current=current, retired=retired, holders=holders, points=points)


def _import(*, chapter, parsed, user, name, target_list, is_sample) -> ImportReport:
    target_list = _list_for_import(chapter=chapter, user=user, name=name, target_list=target_list, is_sample=is_sample)
    report = ImportReport(target_list=target_list, rows=parsed.rows)
    state = _list_state(target_list)
    today = timezone.localdate()
    kept = set()
    new_rows = []
    for position, row in enumerate(parsed.rows):
        member = state.current.get(row.key) or state.retired.get(row.key)
        if member is None:
            new_rows.append((position, row))
            report.created += 1
            continue
        kept.add(member.pk)
        changed = _member_update(
            member=member, row=row, position=position, today=today, holders=state.holders, points=state.points
        )
        if changed:
            report.updated += 1
        else:
            report.unchanged += 1
    _members_create(target_list=target_list, rows=new_rows, today=today)
    for member in state.current.values():
        if member.pk not in kept:
            report.retired += 1
            holder = Term.objects.current().filter(office_id=member.office_id).select_related("person").first()
            who = holder.person.name if holder else ""
            report.retired_names.append(f"{who} ({member.office.title})" if who else member.office.title)
            _member_retire(member=member, today=today)
    return report


def _split_name(name: str) -> tuple[str, str]:
    parts = name.rsplit(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 else ("", name)


def _members_create(*, target_list, rows: list[tuple[int, ListRow]], today) -> None:
    """New members in five INSERTs whatever their number (a first import of 2,000 rows is quick).

    bulk_create sends no signals: list offices are in no ZIP lookup, so the officials lookup cache
    (invalidated by those signals) holds nothing they change; one invalidation follows, to be safe.
    """
    if not rows:
        return
    offices = Office.objects.bulk_create(
        [Office(role=OfficeRole.LIST_TARGET, title=row.title, is_active=True) for _position, row in rows]
    )
    people = Person.objects.bulk_create([_person(row) for _position, row in rows])
    Term.objects.bulk_create(
        [
            Term(person=person, office=office, start=today, party=row.party, source=TERM_SOURCE)
            for office, person, (_position, row) in zip(offices, people, rows, strict=True)
        ]
    )
    points = []
    for office, (_position, row) in zip(offices, rows, strict=True):
        for position, (key, kind, value, label) in enumerate(_wanted_points(row)):
            if value:
                points.append(
                    ContactPoint(
                        office=office,
                        kind=kind,
                        value=value,
                        label=label,
                        is_capitol=kind == ContactPoint.Kind.PHONE,
                        position=position,
                        source_key=key,
                    )
                )
    ContactPoint.objects.bulk_create(points)
    TargetListMember.objects.bulk_create(
        [
            TargetListMember(target_list=target_list, office=office, position=position, **_member_fields(row))
            for office, (position, row) in zip(offices, rows, strict=True)
        ]
    )
    officials_cache.invalidate()


def _person(row: ListRow) -> Person:
    given, family = _split_name(row.name)
    return Person(
        name=row.name,
        given_name=given[:100],
        family_name=family[:100],
        party=row.party,
        photo_url=row.photo_url,
        email=row.email,
    )


def _wanted_points(row: ListRow) -> list[tuple[str, str, str, str]]:
    phone_label = row.phone_label or _("Office")
    return [
        ("list:phone", ContactPoint.Kind.PHONE, row.phone, phone_label),
        ("list:form", ContactPoint.Kind.CONTACT_FORM, row.contact_form, ""),
        ("list:email", ContactPoint.Kind.EMAIL, row.email, ""),
    ]


def _member_fields(row: ListRow) -> dict:
    return {
        "key": row.key,
        "external_id": row.external_id,
        "title_es": row.title_es,
        "district": row.district,
        "district_es": row.district_es,
        "zips": row.zips,
    }


def _holder_start(*, office: Office, row: ListRow, today) -> Person:
    person = _person(row)
    person.save()
    Term.objects.create(person=person, office=office, start=today, party=row.party, source=TERM_SOURCE)
    return person


def _member_update(*, member: TargetListMember, row: ListRow, position: int, today, holders, points) -> bool:
    """Bring a member up to date with its row; True when anything changed.

    `holders` (office id -> current Term with its person) and `points` (office id -> its list
    contact points) are loaded once for the whole import, so an unchanged row costs no query.
    """
    changed = False
    office = member.office
    if member.retired_at is not None or not office.is_active:
        member.retired_at = None
        office.is_active = True
        changed = True
    if office.title != row.title:
        office.title = row.title
        changed = True
    if changed:
        office.save(update_fields=["title", "is_active"])
    term = holders.get(office.pk)
    if term is None or term.person.name != row.name:
        # Someone else holds the seat now: earlier calls stay with whoever held it then.
        Term.objects.current().filter(office=office).update(end=today - datetime.timedelta(days=1))
        _holder_start(office=office, row=row, today=today)
        changed = True
    else:
        person = term.person
        updates = {"party": row.party, "photo_url": row.photo_url, "email": row.email}
        stale = [f for f, value in updates.items() if getattr(person, f) != value]
        if stale:
            for f in stale:
                setattr(person, f, updates[f])
            person.save(update_fields=stale)
            changed = True
        if term.party != row.party:
            term.party = row.party
            term.save(update_fields=["party"])
            changed = True
    changed |= _contact_points_set(office=office, row=row, existing=points.get(office.pk))
    fields = _member_fields(row)
    stale = [f for f, value in fields.items() if getattr(member, f) != value]
    if stale or member.position != position or changed:
        for f in stale:
            setattr(member, f, fields[f])
        member.position = position
        member.save()
    return changed or bool(stale)


def _contact_points_set(*, office: Office, row: ListRow, existing: dict | None = None) -> bool:
    """The office's phone, contact form and email as in the row; True when any changed."""
    wanted = {key: (kind, value, label) for key, kind, value, label in _wanted_points(row)}
    if existing is None:
        existing = {
            cp.source_key: cp for cp in ContactPoint.objects.filter(office=office, source_key__startswith="list:")
        }
    changed = False
    for position, (key, (kind, value, label)) in enumerate(wanted.items()):
        cp = existing.get(key)
        if not value:
            if cp is not None and cp.is_active:
                cp.is_active = False
                cp.save(update_fields=["is_active", "updated_at"])
                changed = True
            continue
        if cp is None:
            ContactPoint.objects.create(
                office=office,
                kind=kind,
                value=value,
                label=label,
                is_capitol=kind == ContactPoint.Kind.PHONE,
                position=position,
                source_key=key,
            )
            changed = True
        elif (cp.value, cp.label, cp.is_active) != (value, label, True):
            cp.value, cp.label, cp.is_active = value, label, True
            cp.save(update_fields=["value", "label", "is_active", "updated_at"])
            changed = True
    return changed


def _member_retire(*, member: TargetListMember, today) -> None:
    member.retired_at = timezone.now()
    member.save(update_fields=["retired_at"])
    Office.objects.filter(pk=member.office_id).update(is_active=False)
    Term.objects.current().filter(office_id=member.office_id).update(end=today)
    TargetListChoice.objects.filter(member=member).delete()


@transaction.atomic
def target_list_rename(*, target_list: TargetList, user, name: str) -> TargetList:
    _require_lead(chapter=target_list.chapter, user=user)
    target_list.name = _clean_name(chapter=target_list.chapter, name=name, exclude_pk=target_list.pk)
    target_list.save(update_fields=["name", "updated_at"])
    return target_list


@transaction.atomic
def target_list_delete(*, target_list: TargetList, user) -> None:
    """Delete a list no action uses. Its offices stay (inactive), so calls logged to them keep counting."""
    _require_lead(chapter=target_list.chapter, user=user)
    if target_list.actions.exists():
        titles = sorted({a.campaign.title for a in target_list.actions.select_related("campaign")})
        raise TargetListInUse(
            _("Campaign actions use this list (%(campaigns)s): change them first.") % {"campaigns": ", ".join(titles)}
        )
    today = timezone.localdate()
    for member in target_list.members.current():
        _member_retire(member=member, today=today)
    # The members go with the list; their offices stay for the calls that point at them.
    target_list.delete()


@transaction.atomic
def target_list_choice_set(*, user, target_list: TargetList, member: TargetListMember, zip5: str) -> None:
    """Remember which of several members for the caller's ZIP they call (see selectors.list_targets_for_caller)."""
    if member.target_list_id != target_list.pk or member.retired_at is not None or not member.represents(zip5):
        raise ValidationError({"member": _("Pick one of the members for your ZIP code.")})
    TargetListChoice.objects.update_or_create(
        user=user, target_list=target_list, defaults={"member": member, "zip5": zip5}
    )
