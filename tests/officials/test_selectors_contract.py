from officials.models import OfficeRole
from officials.selectors import officials_for_zip
from tests.factories.officials import missouri_officials


def test_a_single_district_zip_lists_senators_representative_governor_and_attorney_general(db):
    missouri_officials()
    lookup = officials_for_zip(zip_code="65101-1234")
    assert not lookup.split
    roles = [entry.role for entry in lookup.entries]
    assert roles == [
        OfficeRole.US_SENATE,
        OfficeRole.US_SENATE,
        OfficeRole.US_HOUSE,
        OfficeRole.GOVERNOR,
        OfficeRole.ATTORNEY_GENERAL,
    ]
    ag = lookup.for_roles([OfficeRole.ATTORNEY_GENERAL])[0]
    assert ag.person.name == "Catherine Hanaway"
    assert ag.main_phone.value == "+15737513321"


def test_a_split_zip_lists_every_candidate_representative_until_one_is_chosen(db):
    missouri_officials()
    lookup = officials_for_zip(zip_code="63103")
    assert lookup.split
    assert len(lookup.for_roles([OfficeRole.US_HOUSE])) == 2
    chosen = officials_for_zip(zip_code="63103", district_ocd_id="ocd-division/country:us/state:mo/cd:2")
    assert not chosen.split
    assert [e.person.name for e in chosen.for_roles([OfficeRole.US_HOUSE])] == ["Ann Wagner"]
