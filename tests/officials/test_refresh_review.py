"""A refresh never quietly makes the officials worse: what needs a person is held, with its reason.

Starting from the `--source-dir` load of the public data (the curated CSV), the refresh reads an
Open States tarball in the real openstates/people layout over loopback HTTP, as the weekly job
does through OFFICIALS_REFRESH_EXECUTIVES_URL. The tarball is upstream's own executive files plus
the cases of the turnover: holders re-elected whose passed end date upstream still carries, stale
contact forms, a true successor, a truncated file.
"""

import datetime
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from officials.importers import import_congress, import_openstates_executives, import_state_executives
from officials.models import ContactPoint, Office, OfficeRole, PendingChange, Person, RefreshRun, Term
from officials.refresh import officials_refresh, sources_from_dir
from officials.review import pending_change_approve, pending_change_reject
from tests.officials.openstates_tarball import people_tarball, person_yaml, shared_executive_files

TODAY = datetime.date(2026, 12, 4)
SUCCESSOR_UUID = "5d7c1a52-0000-4000-8000-00000000ak01"
STILL_IN_OFFICE = [
    ("Governor of California", "Gavin Newsom"),
    ("Governor of Montana", "Greg Gianforte"),
    ("Governor of Utah", "Spencer Cox"),
    ("Governor of Vermont", "Phil Scott"),
    ("Mayor of the District of Columbia", "Muriel Bowser"),
    ("Attorney General of New Hampshire", "John Formella"),
]
PERSON_SET_FORMS = {
    "Governor of North Carolina": "https://governor.nc.gov/contact/contact-governor-stein",
    "Governor of Delaware": "https://degovforms.formstack.com/forms/lighthouse_feedback_form",
    "Governor of Indiana": "https://in.accessgov.com/gov/Forms/Page/gov/ask-mike/",
    "Governor of Missouri": "https://governor.mo.gov/contact-us/mo-governor",
    "Governor of New Hampshire": "https://www.governor.nh.gov/contact-governor-ayotte",
}


def holder(title, on=None):
    term = Term.objects.current(on=on).filter(office__title=title).order_by("-start").select_related("person").first()
    return term.person.name if term else None


def form_of(title):
    return ContactPoint.objects.get(office__title=title, kind=ContactPoint.Kind.CONTACT_FORM, is_active=True).value


@pytest.fixture
def loaded(db, shared_data, travel):
    """The `refresh_officials --source-dir ../shared/data` load (without the ZIP table, not needed here)."""
    travel(TODAY)
    officials_refresh(sources={**sources_from_dir(shared_data), "zip_districts": ""}, notify=False)
    return shared_data


def upstream_files(shared_data):
    """Upstream's executive files as they are, plus a true successor and a truncated file."""
    files = shared_executive_files(shared_data)
    files[f"people-main/data/ak/executive/Pat-Example-{SUCCESSOR_UUID}.yml"] = person_yaml(
        uuid=SUCCESSOR_UUID,
        name="Pat Example",
        role="governor",
        state="ak",
        start="2026-12-07",
        end="2030-12-02",
        phone="907-465-3500",
        address="State Capitol; P.O. Box 110001; Juneau, AK 99811-0001",
        webform="http://aws.state.ak.us/CrmForms/Home/Feedback",
        other_names=["Patricia Example"],
    )
    # A download cut inside a file: the YAML ends in the middle of a quoted date.
    name = next(k for k in files if "/mo/executive/Catherine-Hanaway" in k)
    text = files[name].decode()
    files[name] = text[: text.index("'2029") + 4].encode()
    # The repository's other folders, which are not executives.
    files["people-main/data/ak/municipalities.yml"] = "- name: Anchorage\n"
    files["people-main/data/ak/legislature/Someone-0000.yml"] = "id: ocd-person/x\nname: Someone\nroles: []\n"
    return files


@pytest.fixture
def upstream_url(loaded, tmp_path, serve, settings):
    folder = tmp_path / "github"
    folder.mkdir()
    people_tarball(folder / "main.tar.gz", upstream_files(loaded))
    url = serve(folder) + "main.tar.gz"
    # As an operator points the weekly job at it; the other sources stay as loaded.
    settings.OFFICIALS_REFRESH_SOURCES = {"divisions": "", "congress": "", "zip_districts": "", "executives": url}
    return url


def test_a_refresh_from_the_upstream_tarball_ends_nobody_in_office_and_regresses_no_person_set_form(
    upstream_url, staff_user, smtp_server
):
    before = {title: holder(title) for title, _ in STILL_IN_OFFICE}
    assert before == dict(STILL_IN_OFFICE)
    assert {title: form_of(title) for title in PERSON_SET_FORMS} == PERSON_SET_FORMS

    out = StringIO()
    call_command("refresh_officials", stdout=out)
    report = out.getvalue()

    # Nobody still in office was ended; no contact form a person had checked went back to an older one.
    assert {title: holder(title) for title, _ in STILL_IN_OFFICE} == dict(STILL_IN_OFFICE)
    assert {title: form_of(title) for title in PERSON_SET_FORMS} == PERSON_SET_FORMS
    # ... and each of those proposals is held, with its reason.
    held = PendingChange.objects.filter(status=PendingChange.Status.HELD)
    for title, name in STILL_IN_OFFICE:
        change = held.get(office__title=title, field="holder")
        assert change.proposed_value.startswith(f"{name} leaves; last day")
        assert "already past before this refresh" in change.reason
        assert change.source == "openstates"
    # West Virginia's governor under a second ocd-person id: not cut to a day, held.
    wv = held.get(office__title="Governor of West Virginia", field="holder")
    assert "the same person under a second id" in wv.reason
    assert holder("Governor of West Virginia") == "Patrick Morrisey"
    assert Term.objects.filter(office__title="Governor of West Virginia").count() == 1
    nc = held.get(office__title="Governor of North Carolina", field="contact form")
    assert nc.current_value.endswith("contact-governor-stein")
    assert nc.proposed_value.endswith("contact-governor-cooper")
    assert "curated file's row" in nc.reason
    assert "Held for review (Admin > Officials changes to review) (" in report
    assert (
        "Governor of California: holder: Gavin Newsom (in office) -> Gavin Newsom leaves; last day 2026-01-01" in report
    )
    # A true successor is a plain update: applied, with the outgoing term ending the day before.
    assert "Governor of Alaska: Pat Example takes office on 2026-12-07" in report
    assert Term.objects.get(office__title="Governor of Alaska", person__name="Mike Dunleavy").end == datetime.date(
        2026, 12, 6
    )
    assert holder("Governor of Alaska", on=datetime.date(2026, 12, 8)) == "Pat Example"
    # The truncated file is named and its office left as it was.
    assert "Catherine-Hanaway" in report
    assert "cannot parse YAML" in report
    assert holder("Attorney General of Missouri") == "Catherine Hanaway"
    run = RefreshRun.objects.latest("started_at")
    assert run.status == RefreshRun.Status.SUCCEEDED
    assert run.held == held.count() >= len(STILL_IN_OFFICE) + 5
    # Staff are told what was applied and what is held.
    (message,) = smtp_server.messages
    assert "held for review" in message.subject
    assert "Held for review" in message.text
    assert "Pat Example takes office" in message.text

    # The damage would have been silent the second time; now the same proposals are still listed, once.
    out = StringIO()
    call_command("refresh_officials", "--no-email", stdout=out)
    assert PendingChange.objects.filter(status=PendingChange.Status.HELD).count() == held.count()
    assert "Held for review (Admin > Officials changes to review) (" in out.getvalue()
    assert "Nothing changed; the proposals above wait for review." in out.getvalue()

    # Approving one applies it.
    pending_change_approve(change=nc, user=staff_user)
    assert form_of("Governor of North Carolina").endswith("contact-governor-cooper")
    ca = held.get(office__title="Governor of California", field="holder")
    pending_change_approve(change=ca, user=staff_user)
    assert holder("Governor of California") is None
    assert Term.objects.get(office__title="Governor of California").end == datetime.date(2026, 1, 1)


def test_a_rejected_change_is_not_proposed_again_until_upstream_changes_that_value(loaded, tmp_path, serve, staff_user):
    folder = tmp_path / "gh"
    folder.mkdir()
    files = shared_executive_files(loaded)
    people_tarball(folder / "main.tar.gz", files)
    sources = {"executives": serve(folder) + "main.tar.gz"}
    officials_refresh(sources=sources, notify=False)
    nc = PendingChange.objects.get(office__title="Governor of North Carolina", field="contact form")
    pending_change_reject(change=nc, user=staff_user)

    again = officials_refresh(sources=sources, notify=False)
    assert not PendingChange.objects.filter(
        office__title="Governor of North Carolina", status=PendingChange.Status.HELD
    ).exists()
    assert "Rejected earlier, proposed again, not applied" in again.report
    assert form_of("Governor of North Carolina").endswith("contact-governor-stein")

    # Upstream changes that value again: a new proposal, held.
    name = next(k for k in files if "/nc/executive/Roy-Cooper" in k)
    files[name] = files[name].replace(b"contact-governor-cooper", b"contact-the-governor")
    people_tarball(folder / "main.tar.gz", files)
    officials_refresh(sources=sources, notify=False)
    new = PendingChange.objects.get(office__title="Governor of North Carolina", status=PendingChange.Status.HELD)
    assert new.proposed_value == "https://governor.nc.gov/contact/contact-the-governor"


def test_the_same_facts_give_the_same_holder_whichever_source_brings_them(db, shared_data, tmp_path, travel):
    """A passed end date with no successor is held by the curated CSV, Open States and Congress alike."""
    travel(TODAY)
    officials_refresh(sources={**sources_from_dir(shared_data), "zip_districts": ""}, notify=False)
    stale_ca = (
        "state,role,name,party,start_date,end_date,end_date_passed,phone,fax,address,email,website,contact_form,"
        "image,ocd_person_id,ocd_division_id,review_note\n"
        "CA,governor,Gavin Newsom,Democratic,2019-01-07,2026-01-01,yes,916-445-2841,,,,,,,"
        "ocd-person/8c0cb3fe-40d8-4b9d-96a6-d6a4e0f0b2bb,ocd-division/country:us/state:ca,\n"
    )
    newsom = Person.objects.get(name="Gavin Newsom")
    stale_ca = stale_ca.replace("ocd-person/8c0cb3fe-40d8-4b9d-96a6-d6a4e0f0b2bb", newsom.openstates_id)
    csv_file = tmp_path / "ca.csv"
    csv_file.write_text(stale_ca)
    csv_result = import_state_executives(source=csv_file, roles=[OfficeRole.GOVERNOR])
    assert holder("Governor of California") == "Gavin Newsom"
    assert any("Gavin Newsom leaves" in line for line in csv_result.held)

    folder = tmp_path / "yaml" / "ca"
    folder.mkdir(parents=True)
    (folder / "Gavin-Newsom.yml").write_text(
        person_yaml(
            uuid=newsom.openstates_id.split("/", 1)[1],
            name="Gavin Newsom",
            role="governor",
            state="ca",
            start="2019-01-07",
            end="2026-01-01",
            phone="916-445-2841",
        )
    )
    yaml_result = import_openstates_executives(source=folder.parent, roles=[OfficeRole.GOVERNOR])
    assert holder("Governor of California") == "Gavin Newsom"
    assert any("Gavin Newsom leaves" in line for line in yaml_result.held)

    # Congress: a member missing from the file, no successor listed: held, not ended.
    import json

    congress = tmp_path / "congress"
    congress.mkdir()
    members = json.loads((shared_data / "congress-legislators" / "legislators-current.json").read_text())
    gone = members.pop(0)
    (congress / "legislators-current.json").write_text(json.dumps(members))
    result = import_congress(source=str(congress))
    assert Term.objects.current().filter(person__bioguide_id=gone["id"]["bioguide"]).exists()
    assert len(result.held) == 1
    assert "no longer lists this holder and lists no successor" in result.held[0]


def test_a_value_staff_corrected_is_held_not_replaced_and_a_plain_update_is_applied(db, shared_data, tmp_path, travel):
    from officials.services import contact_point_fix
    from tests.factories.accounts import UserFactory

    travel(TODAY)
    import json

    officials_refresh(sources={**sources_from_dir(shared_data), "zip_districts": "", "executives": ""}, notify=False)
    members = json.loads((shared_data / "congress-legislators" / "legislators-current.json").read_text())
    first, second = members[0], members[1]
    dc_first = ContactPoint.objects.get(source_key=f"congress:{first['id']['bioguide']}:dc-phone")
    contact_point_fix(contact_point=dc_first, changed_by=UserFactory(is_staff=True), value="202-555-0101")
    first["terms"][-1]["phone"] = "202-555-0177"
    second["terms"][-1]["phone"] = "202-555-0188"
    folder = tmp_path / "congress"
    folder.mkdir()
    (folder / "legislators-current.json").write_text(json.dumps(members))
    result = import_congress(source=str(folder))
    dc_first.refresh_from_db()
    assert dc_first.value == "+12025550101"  # staff's value stands
    (line,) = result.held
    assert "+12025550177" in line
    assert "a staff edit" in line
    # The other member's new DC number is a plain update: applied.
    assert ContactPoint.objects.get(source_key=f"congress:{second['id']['bioguide']}:dc-phone").value == "+12025550188"


def test_a_truncated_source_is_held_as_a_whole_and_approving_it_applies_it(
    db, shared_data, tmp_path, travel, staff_user
):
    import json

    travel(TODAY)
    sources = {**sources_from_dir(shared_data), "zip_districts": "", "executives": ""}
    officials_refresh(sources=sources, notify=False)
    members = json.loads((shared_data / "congress-legislators" / "legislators-current.json").read_text())
    folder = tmp_path / "congress"
    folder.mkdir()
    # Cut at a record boundary: 269 of 537 members, valid JSON.
    (folder / "legislators-current.json").write_text(json.dumps(members[:269]))
    before = Term.objects.current().count()
    run = officials_refresh(sources={"congress": str(folder)}, notify=False)
    assert Term.objects.current().count() == before
    (change,) = PendingChange.objects.filter(kind=PendingChange.Kind.SOURCE)
    assert change.field == "the whole congress source"
    assert "more than 10% of the source's rows would change at once" in change.reason
    assert run.held_sources == ["congress"]
    assert "the whole congress source" in run.report
    # Individual holds of that run were undone with the rest: only the source is listed.
    assert PendingChange.objects.filter(status=PendingChange.Status.HELD).count() == 1

    pending_change_approve(change=change, user=staff_user)
    change.refresh_from_db()
    assert change.status == PendingChange.Status.APPROVED
    # Applied under the other rules: 268 members with no successor are now held one by one, not ended.
    assert PendingChange.objects.filter(kind=PendingChange.Kind.END_TERM, status="held").count() == 268
    assert Term.objects.current().count() == before


def test_the_share_is_configurable(db, shared_data, tmp_path, travel, settings):
    import json

    travel(TODAY)
    officials_refresh(sources={**sources_from_dir(shared_data), "zip_districts": "", "executives": ""}, notify=False)
    settings.OFFICIALS_REFRESH_MAX_CHANGE_SHARE = 0.9
    members = json.loads((shared_data / "congress-legislators" / "legislators-current.json").read_text())
    folder = tmp_path / "congress"
    folder.mkdir()
    (folder / "legislators-current.json").write_text(json.dumps(members[:269]))
    officials_refresh(sources={"congress": str(folder)}, notify=False)
    assert not PendingChange.objects.filter(kind=PendingChange.Kind.SOURCE).exists()
    assert PendingChange.objects.filter(kind=PendingChange.Kind.END_TERM).count() == 268


# -- the admin -------------------------------------------------------------------
def test_staff_review_held_changes_in_the_admin_alone_and_in_bulk(upstream_url, staff_client):
    officials_refresh(sources={"executives": upstream_url}, notify=False)
    url = reverse("admin:officials_pendingchange_changelist")
    page = staff_client.get(url, follow=True)
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    for heading in ("Office", "Field", "Current value", "Proposed value", "Source", "Reason"):
        assert heading in html
    assert "contact-governor-cooper" in html

    # Alone, from the change page.
    nc = PendingChange.objects.get(office__title="Governor of North Carolina", field="contact form")
    change_url = reverse("admin:officials_pendingchange_change", args=[nc.pk])
    assert "Approve (apply it)" in staff_client.get(change_url).content.decode()
    staff_client.post(change_url, {"_reject": "Reject"})
    nc.refresh_from_db()
    assert nc.status == PendingChange.Status.REJECTED
    assert form_of("Governor of North Carolina").endswith("contact-governor-stein")

    # In bulk, with the admin action.
    forms = PendingChange.objects.filter(status="held", field="contact form").exclude(pk=nc.pk)
    ids = list(forms.values_list("pk", flat=True))
    assert len(ids) >= 3
    response = staff_client.post(
        url + "?status__exact=held", {"action": "approve", "_selected_action": ids}, follow=True
    )
    assert f"Approved and applied {len(ids)} change(s)." in response.content.decode()
    assert form_of("Governor of Missouri") == "https://governor.mo.gov/contact-us"


def test_the_needs_attention_page_lists_what_staff_must_decide(upstream_url, staff_client):
    from officials.models import WrongNumberReport
    from tests.factories.accounts import UserFactory

    call_command("refresh_officials", "--no-email", stdout=StringIO())
    cp = ContactPoint.objects.filter(office__title="Governor of Missouri", kind="phone").first()
    WrongNumberReport.objects.create(contact_point=cp, reporter=UserFactory(), reason="reaches a pizzeria")
    html = staff_client.get(reverse("admin:officials_needs_attention")).content.decode()
    ending = html.split('id="ending-soon"', 1)[1].split('id="no-holder"', 1)[0]
    # Alaska's attorney general leaves on 2026-12-07 and no source names a successor.
    assert "Attorney General of Alaska" in ending
    assert "2026-12-07" in ending
    assert "Governor of Alaska" not in ending  # Pat Example follows
    assert "Gavin Newsom leaves" in html
    assert "reaches a pizzeria" in html
    sources = html.split('id="sources"', 1)[1]
    assert "executives" in sources
    assert "0 days" in sources
    assert "never" in sources  # zip_districts has not been refreshed in this test
    no_holder = html.split('id="no-holder"', 1)[1].split('id="held"', 1)[0]
    assert Office.objects.filter(role=OfficeRole.US_HOUSE).exists()
    assert "Governor of California" not in no_holder
