"""The refresh's change report, line by line: holders, terms to come, contact points, ZIP districts."""

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from officials.refresh_report import ContactShown, Snapshot, Upcoming, compare

TITLES = {1: "Attorney General of Missouri", 2: "Governor of Missouri", 3: "Senator"}


def snap(*, titles=TITLES, holders=None, upcoming=(), contacts=None):
    return Snapshot(titles=dict(titles), holders=holders or {}, upcoming=set(upcoming), contacts=contacts or {})


def test_holders_that_left_arrived_or_changed_are_reported_in_title_order():
    before = snap(holders={1: "Ann Old", 2: "Gus Gone", 3: "Same Person"})
    after = snap(titles={k: v for k, v in TITLES.items() if k != 2}, holders={1: "Bea New", 3: "Same Person"})
    after.holders[4] = "Newcomer"
    after.titles[4] = "Auditor of Missouri"

    report = compare(before, after, zip_moves=[])

    assert report.offices == [
        "Governor of Missouri: Gus Gone left; the successor is not in the data yet",  # title from before
        "Attorney General of Missouri: Ann Old left, Bea New arrived",
        "Auditor of Missouri: Newcomer arrived",
    ]
    assert report.changed


def test_terms_to_come_announced_and_withdrawn():
    future = timezone.localdate() + dt.timedelta(days=30)
    past = timezone.localdate() - dt.timedelta(days=1)
    before = snap(upcoming=[Upcoming(2, "Dropped Later", future), Upcoming(1, "Began Already", past)])
    after = snap(upcoming=[Upcoming(1, "Zed Next", future), Upcoming(2, "Amy Next", future)])

    assert compare(before, after, zip_moves=[]).offices == [
        f"Governor of Missouri: Amy Next takes office on {future}",
        f"Attorney General of Missouri: Zed Next takes office on {future}",
        # A term that began is a holder now, not a withdrawn announcement.
        f"Governor of Missouri: Dropped Later no longer listed to take office {future}",
    ]


def test_contact_points_added_removed_and_changed():
    phone = ContactShown(1, "phone", "", "+15735551234", "")
    office = ContactShown(1, "postal", "Capitol office", "", "Room 1")
    before = snap(contacts={10: phone, 11: office, 12: ContactShown(3, "form", "", "https://old.example", "")})
    after = snap(
        contacts={
            10: phone._replace(value="+15735550000"),
            11: office._replace(address=""),
            13: ContactShown(2, "phone", "District office", "+15735559999", ""),
        }
    )

    assert compare(before, after, zip_moves=[]).contacts == [
        "Attorney General of Missouri, phone: phone (573) 555-1234 -> (573) 555-0000",
        "Attorney General of Missouri, Capitol office: address Room 1 -> (none)",
        "Senator, contact form: contact form removed: https://old.example",
        "Governor of Missouri, District office: phone added: (573) 555-9999",
    ]


def test_zips_that_change_district():
    move = SimpleNamespace(
        zcta="63101",
        before=["ocd-division/country:us/state:mo/cd:1"],
        after=["ocd-division/country:us/state:mo/cd:1", "ocd-division/country:us/state:mo/cd:at-large"],
        effective=dt.date(2027, 1, 3),
    )
    gone = SimpleNamespace(zcta="99999", before=["ocd-division/country:us/state:ak/cd:1"], after=[], effective=None)

    report = compare(snap(), snap(), zip_moves=[move, gone])

    assert report.zips == ["63101: MO-1 -> MO-1, MO-AL from 2027-01-03", "99999: AK-1 -> (none)"]
    assert report.offices == report.contacts == []
