import datetime as dt

import pytest

from tallies.models import Outcome
from tallies.rollups import rollup_calls
from tallies.selectors import (
    DateRange,
    tally_campaign_totals,
    tally_dashboard,
    tally_for_campaign,
    tally_impact,
    weekly_streaks,
)
from tests.factories.accounts import UserFactory
from tests.factories.tallies import CallLogFactory


@pytest.fixture
def mixed_calls(national_campaign, chapter_campaign, chapter, other_chapter, offices, volunteer, other_member):
    """Calls in two chapters; half rolled up, half in the live tail."""
    ag, doj = offices["attorney_general"], offices["doj"]
    CallLogFactory(campaign=national_campaign, chapter=chapter, office=ag, user=volunteer, outcome="reached")
    CallLogFactory(campaign=chapter_campaign, chapter=chapter, office=ag, user=volunteer, outcome="voicemail")
    CallLogFactory(campaign=national_campaign, chapter=other_chapter, office=doj, user=other_member)
    rollup_calls()
    CallLogFactory(campaign=national_campaign, chapter=chapter, office=doj, user=volunteer, outcome="busy")
    CallLogFactory(campaign=national_campaign, chapter=other_chapter, office=doj, user=other_member)


def test_the_chapter_dashboard_adds_the_live_tail_to_the_rollups(mixed_calls, chapter, national_campaign, volunteer):
    board = tally_dashboard(chapter_ids=[chapter.pk])

    assert board.total == 3
    assert {value: n for value, _, n in board.by_outcome} == {
        "reached": 1,
        "voicemail": 1,
        "busy": 1,
        "vm_full": 0,
        "skipped": 0,
        "sent": 0,
    }
    national = next(r for r in board.by_campaign if r["campaign"] == national_campaign)
    assert national["n"] == 2  # this chapter's calls
    assert national["total"] == 4  # everyone's, toward the goal of 10
    assert national["progress"] == 40
    assert [(str(o), n) for o, n in board.by_office] == [
        ("Attorney General of Missouri", 2),
        ("U.S. Department of Justice", 1),
    ]
    assert board.by_member == [(volunteer, 3)]
    assert sum(n for _, n in board.by_day) == 3


def test_figures_are_the_same_before_and_after_a_rollup(mixed_calls, chapter):
    before = tally_dashboard(chapter_ids=[chapter.pk])
    rollup_calls()
    after = tally_dashboard(chapter_ids=[chapter.pk])

    assert before.total == after.total == 3
    assert before.by_outcome == after.by_outcome
    assert before.by_day == after.by_day


def test_the_staff_dashboard_covers_every_chapter_and_state(mixed_calls, chapter, other_chapter):
    board = tally_dashboard(chapter_ids=None)

    assert board.total == 5
    assert {c.slug: n for c, n in board.by_chapter} == {chapter.slug: 3, other_chapter.slug: 2}
    assert dict(board.by_state) == {"MO": 2, "US": 3}


def test_a_date_range_counts_only_its_days(national_campaign, chapter, offices):
    office = offices["doj"]
    for day in (1, 2, 3):
        CallLogFactory(
            campaign=national_campaign,
            chapter=chapter,
            office=office,
            created_at=dt.datetime(2026, 5, day, 12, tzinfo=dt.UTC),
        )
    rollup_calls()
    CallLogFactory(
        campaign=national_campaign,
        chapter=chapter,
        office=office,
        created_at=dt.datetime(2026, 5, 2, 23, tzinfo=dt.UTC),
    )

    board = tally_dashboard(chapter_ids=[chapter.pk], date_range=DateRange(dt.date(2026, 5, 2), dt.date(2026, 5, 2)))

    assert board.total == 2
    assert board.by_day == [(dt.date(2026, 5, 2), 2)]
    assert sum(n for _, n in board.by_member) == 2


@pytest.mark.parametrize(
    ("start", "end", "expected", "errors"),
    [
        ("2026-01-01", "2026-01-31", DateRange(dt.date(2026, 1, 1), dt.date(2026, 1, 31)), 0),
        ("2026-01-31", "2026-01-01", DateRange(dt.date(2026, 1, 1), dt.date(2026, 1, 31)), 1),
        ("yesterday", "", DateRange(), 1),
        ("2026-02-30", None, DateRange(), 1),
        (None, None, DateRange(), 0),
    ],
)
def test_date_ranges_are_parsed_defensively(start, end, expected, errors):
    parsed, messages = DateRange.parse(start, end)

    assert parsed == expected
    assert len(messages) == errors


def test_campaign_totals_are_exact_with_and_without_a_rollup(mixed_calls, national_campaign, chapter_campaign):
    assert tally_campaign_totals(campaign_ids=[national_campaign.pk, chapter_campaign.pk]) == {
        national_campaign.pk: 4,
        chapter_campaign.pk: 1,
    }
    assert tally_campaign_totals(campaign_ids=[]) == {}


def test_a_campaigns_public_tally_counts_by_outcome(mixed_calls, national_campaign):
    figures = tally_for_campaign(campaign_id=national_campaign.pk)

    assert figures.total == 4
    assert ("busy", "Busy or no answer", 1) in figures.by_outcome


def test_my_impact_counts_only_my_own_calls(mixed_calls, volunteer, national_campaign):
    impact = tally_impact(user=volunteer)

    assert impact.total == 3
    assert {row["campaign"].slug: row["n"] for row in impact.by_campaign} == {
        national_campaign.slug: 2,
        "st-louis-week": 1,
    }


def test_weeks_start_on_monday_in_the_callers_time_zone(national_campaign, offices):
    caller = UserFactory(time_zone="America/Los_Angeles")
    # Sunday 2026-11-22, 23:30 in Los Angeles is already Monday in UTC.
    sunday_night = dt.datetime(2026, 11, 23, 7, 30, tzinfo=dt.UTC)
    CallLogFactory(user=caller, campaign=national_campaign, office=offices["doj"], created_at=sunday_night)

    impact = tally_impact(user=caller, today=dt.date(2026, 11, 25))  # Wednesday

    assert impact.week_start == dt.date(2026, 11, 23)
    assert not impact.called_this_week  # the call was last week, locally
    assert impact.streak_weeks == 1  # and last week keeps the streak alive


def test_a_streak_counts_consecutive_weeks_and_remembers_the_best():
    monday = dt.date(2026, 11, 23)
    week = dt.timedelta(weeks=1)
    weeks = {monday, monday - week, monday - 4 * week, monday - 5 * week, monday - 6 * week}

    assert weekly_streaks(weeks, this_week=monday) == (2, 3)
    assert weekly_streaks(set(), this_week=monday) == (0, 0)
    assert weekly_streaks({monday - 2 * week}, this_week=monday) == (0, 1)


def test_outcomes_are_listed_in_a_stable_order(national_campaign, chapter):
    board = tally_dashboard(chapter_ids=[chapter.pk])

    assert [value for value, _, _ in board.by_outcome] == list(Outcome.values)
    assert board.total == 0


# --- the cached rollup half (keyed to the rollup state) -----------------------------------------
def dashboard_cache_entry(chapter_ids):
    from django.core.cache import cache

    from tallies.selectors import dashboard_cache_key

    return cache.get(dashboard_cache_key(chapter_ids, DateRange()))


def rollup_state():
    from tallies.models import RollupState

    return RollupState.objects.get()


def test_the_rollup_half_is_cached_for_the_current_rollup_state(mixed_calls, chapter):
    tally_dashboard(chapter_ids=[chapter.pk])

    (mark, updated_at), rolled = dashboard_cache_entry([chapter.pk])
    state = rollup_state()
    assert mark == state.last_id
    assert updated_at  # the state's updated_at, as the database prints it
    assert sum(rolled["campaign"].values()) == 2  # the rolled-up calls only, not the tail


def test_a_warm_read_adds_new_calls_to_the_cached_half(mixed_calls, chapter, national_campaign, offices):
    assert tally_dashboard(chapter_ids=[chapter.pk]).total == 3
    CallLogFactory(campaign=national_campaign, chapter=chapter, office=offices["doj"])

    board = tally_dashboard(chapter_ids=[chapter.pk])

    assert board.total == 4
    assert sum(n for _, n in board.by_day) == 4


def test_a_rollup_replaces_the_cached_half_and_figures_stay_exact(mixed_calls, chapter, national_campaign, offices):
    before = tally_dashboard(chapter_ids=[chapter.pk])
    CallLogFactory(campaign=national_campaign, chapter=chapter, office=offices["doj"])
    rollup_calls()

    after = tally_dashboard(chapter_ids=[chapter.pk])

    assert (before.total, after.total) == (3, 4)
    (mark, _), rolled = dashboard_cache_entry([chapter.pk])
    assert mark == rollup_state().last_id
    assert sum(rolled["campaign"].values()) == 4


def test_an_entry_cached_for_another_rollup_state_is_never_used(mixed_calls, chapter):
    from django.core.cache import cache

    from tallies.selectors import dashboard_cache_key

    state = rollup_state()
    bogus = {"campaign": {(1, "reached"): 1_000}}
    cache.set(dashboard_cache_key([chapter.pk], DateRange()), ((state.last_id, "2000-01-01 00:00:00"), bogus))

    assert tally_dashboard(chapter_ids=[chapter.pk]).total == 3


def test_an_entry_cached_for_the_current_state_is_what_a_read_uses(mixed_calls, chapter, national_campaign):
    # The other half of the contract: the rollup tables are not read again while their state is unchanged.
    tally_dashboard(chapter_ids=[chapter.pk])
    from django.core.cache import cache

    from tallies.selectors import dashboard_cache_key

    key = dashboard_cache_key([chapter.pk], DateRange())
    generation, rolled = cache.get(key)
    rolled["campaign"] = {(national_campaign.pk, "reached"): 50}
    cache.set(key, (generation, rolled))

    assert tally_dashboard(chapter_ids=[chapter.pk]).total == 50 + 1  # the marker, plus the one tail call


def test_a_cache_outage_makes_reads_slower_never_wrong(mixed_calls, chapter, redis_down):
    assert tally_dashboard(chapter_ids=[chapter.pk]).total == 3


def test_a_date_range_is_cached_apart_from_all_time_and_stays_exact(mixed_calls, chapter, national_campaign, offices):
    today = dt.datetime.now(dt.UTC).date()
    this_range = DateRange(start=today - dt.timedelta(days=1), end=today + dt.timedelta(days=1))
    assert tally_dashboard(chapter_ids=[chapter.pk], date_range=this_range).total == 3
    CallLogFactory(campaign=national_campaign, chapter=chapter, office=offices["doj"])

    board = tally_dashboard(chapter_ids=[chapter.pk], date_range=this_range)

    assert board.total == 4
    assert board.members_total == 2  # the volunteer and the factory's new caller
    assert tally_dashboard(chapter_ids=[chapter.pk]).total == 4
