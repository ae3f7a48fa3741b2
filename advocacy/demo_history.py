"""A month of plausible call history for the demo chapter, so the dashboards show something on first start.

Deterministic: the same seed gives the same calls (their times are relative to the day of the
first load). Idempotent: each call carries an idempotency key ("demo-history-<n>") unique per
caller, so a second load inserts nothing. The rules every logged call obeys hold here too:
callers contact only their own officials (the campaign's targets for their ZIP, as the call
page shows them), a letter is "sent" and a call has a phone outcome, and nobody contacts the
same office for the same action more than 3 times in any 24 hours.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from accounts.models import Chapter, User
from accounts.time_zones import local_midnight
from campaigns.models import Action, Campaign
from tallies.models import CallLog, Outcome, Source

SEED = 13
DAYS = 30
KEY_PREFIX = "demo-history-"
MAX_CONTACTS_PER_DAY = 3  # per caller, action and office in any 24 hours
CALL_OUTCOMES = [Outcome.REACHED] * 3 + [Outcome.VOICEMAIL] * 4 + [Outcome.BUSY] * 2 + [Outcome.SKIPPED]
# Offices answer in the morning and are swamped late in the day: the answer rates (call card,
# official's page) then have something to say.
MORNING_OUTCOMES = [Outcome.REACHED] * 6 + [Outcome.VOICEMAIL] * 2 + [Outcome.BUSY] + [Outcome.SKIPPED]
EVENING_OUTCOMES = [Outcome.REACHED] + [Outcome.VOICEMAIL] * 3 + [Outcome.BUSY] * 4 + [Outcome.VOICEMAIL_FULL]
SHARED_NOTE = 0.6  # of notes, shared with the office; of those, half signed with first name and ZIP
NOTES = [
    "Staffer said the AG has no position yet.",
    "Voicemail box was full, will try again tomorrow.",
    "Very friendly staffer, took my name and ZIP.",
    "They asked for my address before noting the call.",
    "Line busy for ten minutes, then got through.",
    "Sent the letter in my own words.",
]


@dataclass(frozen=True)
class DemoHistory:
    created: int
    call_day: dt.date | None  # None when the history was there already


class _Target(NamedTuple):
    """One office a caller contacts for one action, as the call page shows it to them."""

    action: Action
    office_id: int
    person_id: int | None
    phones: list[int]  # the main line first, as the card shows them


def demo_history_load(
    *, chapter: Chapter, campaign: Campaign, callers: list[User], today: dt.date | None = None
) -> DemoHistory:
    """Write the demo's month of calls (if not there yet) and mark one past call day."""
    from rally.models import CallDay

    tz = chapter.zone
    today = today or timezone.now().astimezone(tz).date()
    call_day = today - dt.timedelta(days=9)
    targets = {user.pk: _caller_targets(campaign=campaign, user=user) for user in callers}
    history = _History(chapter=chapter, campaign=campaign, rng=random.Random(SEED))  # noqa: S311 - demo data
    for offset in range(DAYS, 0, -1):
        day = today - dt.timedelta(days=offset)
        history.add_day(day, busy=day == call_day, callers=callers, targets=targets)
    with transaction.atomic():
        if CallLog.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists():
            return DemoHistory(created=0, call_day=None)
        rows = _rows_with_known_targets(history.rows)
        CallLog.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        CallDay.objects.get_or_create(
            chapter=chapter,
            campaign=campaign,
            day=call_day,
            defaults={
                "starts_at": dt.time(12, 0),
                "ends_at": dt.time(17, 0),
                "message": "Our first call-in day: the AG's office hears from all of us at once.",
            },
        )
    return DemoHistory(created=len(rows), call_day=call_day)


def _caller_targets(*, campaign: Campaign, user: User) -> list[_Target]:
    """The caller's own targets for the campaign, from the call page's own selector (their officials only)."""
    from campaigns.selectors import campaign_targets

    plan = campaign_targets(campaign=campaign, user=user)
    return [
        _Target(
            action=group.action,
            office_id=target.office.pk,
            person_id=target.entry.person.pk if target.entry.person else None,
            phones=[cp.pk for cp in target.entry.phones],
        )
        for group in plan.actions
        for target in group.targets
    ]


@dataclass
class _History:
    """The month's calls, drawn day by day from one seeded generator: the draws' order is the history."""

    chapter: Chapter
    campaign: Campaign
    rng: random.Random
    rows: list[CallLog] = field(default_factory=list)
    contacts: dict[tuple, list[dt.datetime]] = field(default_factory=dict)  # (user, action, office) -> times

    def add_day(self, day: dt.date, *, busy: bool, callers: list[User], targets: dict[int, list[_Target]]) -> None:
        """One day's calls; on the call day (busy) everyone calls every target, at the call day's hours."""
        for user in callers:
            # Most members call a few days a week; on the call day almost everyone does.
            if not busy and self.rng.random() > 0.75:
                continue
            for target in targets[user.pk]:
                if not busy and self.rng.random() > 0.85:
                    continue
                # On the call day callers phone at the start and again in the afternoon.
                is_call = target.action.kind == Action.Kind.CALL
                rounds = [12, 15] if busy and is_call else [12] if busy else [None]
                for first_hour in rounds:
                    self._contact(user, target, day, first_hour)

    def _contact(self, user: User, target: _Target, day: dt.date, first_hour: int | None) -> None:
        """One contact at `first_hour` (None: a usual hour); a busy line is tried once more two hours later."""
        hour = first_hour if first_hour is not None else self.rng.choice([8, 9, 10, 12, 13, 17, 18, 19])
        moment = local_midnight(day, self.chapter.zone) + dt.timedelta(hours=hour, minutes=self.rng.randrange(60))
        for attempt in range(2):
            when = moment + dt.timedelta(hours=2 * attempt)
            if not self._under_limit((user.pk, target.action.pk, target.office_id), when):
                break
            if self._log(user, target, when, attempt) not in (Outcome.BUSY, Outcome.VOICEMAIL_FULL):
                break

    def _under_limit(self, key: tuple, when: dt.datetime) -> bool:
        """Whether the caller may contact this office for this action at `when` (the per-office limit), counting it."""
        recent = self.contacts.setdefault(key, [])
        if sum(1 for t in recent if when - t < dt.timedelta(hours=24)) >= MAX_CONTACTS_PER_DAY:
            return False
        recent.append(when)
        return True

    def _log(self, user: User, target: _Target, when: dt.datetime, attempt: int) -> str:
        """One row; its outcome (a letter is sent; a call's answer depends on the office's local hour)."""
        is_call = target.action.kind == Action.Kind.CALL
        outcome = Outcome.SENT if not is_call else self.rng.choice(_outcomes_at(when.astimezone(self.chapter.zone)))
        # A retry after a busy line dials the next number, as the call card advises.
        phones = target.phones
        dialled = phones[min(attempt, len(phones) - 1)] if is_call and phones else None
        note = self.rng.choice(NOTES) if self.rng.random() < 0.12 else ""
        shared = bool(note) and self.rng.random() < SHARED_NOTE
        self.rows.append(
            CallLog(
                user=user,
                campaign=self.campaign,
                action=target.action,
                office_id=target.office_id,
                person_id=target.person_id,
                outcome=outcome,
                chapter=self.chapter,
                source=Source.WEB,
                idempotency_key=f"{KEY_PREFIX}{len(self.rows) + 1}",
                created_at=when,
                note=note,
                contact_point_id=dialled,
                share_note=shared,
                sign_note=shared and self.rng.random() < 0.5,
            )
        )
        return outcome


def _outcomes_at(local: dt.datetime) -> list[str]:
    """The outcomes to draw from at this local time: offices answer in the morning, are swamped late."""
    if local.hour < 13:
        return MORNING_OUTCOMES
    if local.hour >= 15:
        return EVENING_OUTCOMES
    return CALL_OUTCOMES


def _rows_with_known_targets(rows: list) -> list:
    """The rows whose office and holder the database has: the targets came through the officials
    cache, and a cached id never reaches a write unchecked (a stale or foreign entry would be a
    foreign-key error)."""
    from officials.models import Office, Person

    offices = set(Office.objects.filter(pk__in={r.office_id for r in rows}).values_list("pk", flat=True))
    people = set(Person.objects.filter(pk__in={r.person_id for r in rows} - {None}).values_list("pk", flat=True))
    return [r for r in rows if r.office_id in offices and (r.person_id is None or r.person_id in people)]
