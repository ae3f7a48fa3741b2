"""Reads: a chapter's lists, and whom on a list a caller calls (the one rule for the page and the call path)."""

from dataclasses import dataclass

from django.db.models import Count, F, Q

from accounts.selectors import chapter_is_led_by
from advocacy.errors import NotFound
from officials.models import ContactPoint, Term
from officials.selectors import InvalidZipCode, OfficialEntry, normalise_zip, office_entries

from .models import TargetList, TargetListChoice, TargetListMember

MODE_ALL = "all"
MODE_OWN = "own"


class TargetListNotFound(NotFound):
    code = "not_found"


def target_lists_for_chapter(*, chapter) -> list[TargetList]:
    """The chapter's lists, each with `member_count` (current members) and `action_count`."""
    return list(
        TargetList.objects.filter(chapter=chapter)
        .annotate(
            member_count=Count("members", filter=Q(members__retired_at__isnull=True), distinct=True),
            action_count=Count("actions", distinct=True),
        )
        .order_by("name", "pk")
    )


def target_list_get_for_lead(*, chapter, list_id, user) -> TargetList:
    """One of the chapter's lists for its lead (or staff); TargetListNotFound for anyone else, as for a missing one."""
    if not (user.is_authenticated and (user.is_staff or chapter_is_led_by(chapter=chapter, user=user))):
        raise TargetListNotFound()
    found = TargetList.objects.filter(chapter=chapter, pk=list_id).select_related("chapter").first()
    if found is None:
        raise TargetListNotFound()
    return found


def target_list_members(*, target_list: TargetList, include_retired: bool = False) -> list[TargetListMember]:
    """The list's members as stored, each with `person`, `phone`, `phone_label`, `email`, `contact_form`,
    `photo_url`, `party` and `retired`; a retired member shows whoever held the seat last. Three queries."""
    members = TargetListMember.objects.filter(target_list=target_list).select_related("office")
    if not include_retired:
        members = members.current()
    members = list(members.order_by(F("retired_at").asc(nulls_first=True), "position", "pk"))
    ids = [m.office_id for m in members]
    people: dict[int, Term] = {}
    for term in Term.objects.filter(office_id__in=ids).select_related("person").order_by("office_id", "-start", "-pk"):
        people.setdefault(term.office_id, term)
    points: dict[tuple[int, str], ContactPoint] = {}
    for cp in ContactPoint.objects.filter(office_id__in=ids, is_active=True, source_key__startswith="list:"):
        points[cp.office_id, cp.source_key] = cp
    for member in members:
        term = people.get(member.office_id)
        member.person = term.person if term else None
        phone = points.get((member.office_id, "list:phone"))
        member.phone = phone.value if phone else None
        member.phone_display = phone.display_value if phone else ""
        member.tel_url = phone.tel_url if phone else ""
        member.phone_label = phone.label if phone else ""
        form = points.get((member.office_id, "list:form"))
        member.contact_form = form.value if form else ""
        member.email = member.person.email if member.person else ""
        member.photo_url = member.person.photo_url if member.person else ""
        member.party = term.party if term else ""
        member.retired = member.retired_at is not None
    return members


@dataclass(eq=False)
class ListEntry(OfficialEntry):
    """An OfficialEntry for a member of a chapter's list: the same office, plus its district and Spanish title."""

    member: TargetListMember | None = None

    @property
    def district(self) -> str:
        return self.member.local_district if self.member else ""

    @property
    def title(self) -> str:
        return self.member.local_title if self.member else self.office.title


def _entries(members: list[TargetListMember]) -> list[ListEntry]:
    by_office = {e.office.pk: e for e in office_entries(offices=[m.office for m in members])}
    entries = []
    for member in members:
        entry = by_office.get(member.office_id)
        if entry is not None:
            entries.append(
                ListEntry(
                    office=entry.office,
                    person=entry.person,
                    term=entry.term,
                    contact_points=entry.contact_points,
                    member=member,
                )
            )
    return entries


@dataclass
class ListTargets:
    """Whom a caller calls on one list: `entries`; `choices` when several represent their ZIP and none was picked."""

    entries: list[ListEntry]
    needs_zip: bool = False
    choices: list[ListEntry] | None = None
    chosen: ListEntry | None = None

    @property
    def must_choose(self) -> bool:
        return bool(self.choices)


def _zip5(zip_code: str) -> str:
    try:
        return normalise_zip(zip_code) if zip_code else ""
    except InvalidZipCode:
        return ""


def _matching(members, *, mode: str, zip5: str) -> list[TargetListMember]:
    if mode != MODE_OWN:
        return list(members)
    return [m for m in members if m.represents(zip5)]


def list_targets_for_caller(*, target_list_id: int, mode: str, zip_code: str, user=None) -> ListTargets:
    """The members a caller calls: everyone (mode "all"), or those representing their ZIP ("own").

    For "own", members with no ZIPs represent everyone (an at-large seat); a caller without a
    valid ZIP gets none (`needs_zip`). Where several district members represent the ZIP, the
    caller's earlier choice narrows them to one; without one, all are listed with `choices`.
    """
    members = list(
        TargetListMember.objects.current()
        .filter(target_list_id=target_list_id, office__is_active=True)
        .select_related("office")
        .order_by("position", "pk")
    )
    zip5 = _zip5(zip_code)
    if mode == MODE_OWN and not zip5:
        return ListTargets(entries=[], needs_zip=True)
    matching = _matching(members, mode=mode, zip5=zip5)
    result = ListTargets(entries=_entries(matching))
    if mode == MODE_OWN:
        district_members = [e for e in result.entries if e.member.zips]
        if len(district_members) > 1:
            choice = None
            if user is not None and user.is_authenticated:
                choice = (
                    TargetListChoice.objects.filter(user=user, target_list_id=target_list_id, zip5=zip5)
                    .values_list("member_id", flat=True)
                    .first()
                )
            chosen = next((e for e in district_members if e.member.pk == choice), None)
            if chosen is None:
                result.choices = district_members
            else:
                result.chosen = chosen
                result.entries = [e for e in result.entries if not e.member.zips or e is chosen]
    return result


def list_office_ids_for_caller(*, target_list_id: int, mode: str, zip_code: str) -> frozenset[int] | None:
    """The offices on a list a caller may log calls to; None for an "own" list and no valid ZIP.

    The calling rule (tallies.services.rules) and so every path that logs a call asks this.
    Every member representing the ZIP counts, chosen or not, as every candidate of a split ZIP does.
    """
    zip5 = _zip5(zip_code)
    if mode == MODE_OWN and not zip5:
        return None
    members = TargetListMember.objects.current().filter(target_list_id=target_list_id, office__is_active=True)
    rows = members.values_list("office_id", "zips")
    return frozenset(office_id for office_id, zips in rows if mode != MODE_OWN or not zips or zip5 in zips)


def list_sample_entries(*, target_list_id: int, limit: int = 2) -> list[ListEntry]:
    """A few members of a list, for an action's preview."""
    members = list(
        TargetListMember.objects.current()
        .filter(target_list_id=target_list_id)
        .select_related("office")
        .order_by("position", "pk")[:limit]
    )
    return _entries(members)


def list_has_office(*, target_list_id: int, office_id: int) -> bool:
    """Whether the office is a current member of the list (to tell "not yours" from "not on it")."""
    return (
        TargetListMember.objects.current()
        .filter(target_list_id=target_list_id, office_id=office_id, office__is_active=True)
        .exists()
    )
