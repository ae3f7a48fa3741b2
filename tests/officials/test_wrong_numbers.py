from http import HTTPStatus

import pytest
from django.urls import reverse

from officials.importers import import_state_executives
from officials.models import ContactPoint, ContactPointChange, WrongNumberReport
from officials.services import DEMO_DATA_DIR, contact_point_fix, wrong_number_report_create
from tests.factories.officials import missouri_officials


@pytest.fixture
def ag_phone(db):
    missouri_officials()
    return ContactPoint.objects.get(value="+15737513321")


def test_a_volunteer_reports_a_wrong_number_from_the_page(client, volunteer, ag_phone):
    client.force_login(volunteer)
    url = reverse("officials:contact_point_report", args=[ag_phone.pk])
    response = client.post(url, {"reason": "Disconnected", "next": "/officials/?zip=65101"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/officials/?zip=65101"
    report = WrongNumberReport.objects.get()
    assert (report.contact_point, report.reporter, report.reason, report.status) == (
        ag_phone,
        volunteer,
        "Disconnected",
        "open",
    )


def test_reporting_needs_a_signed_in_volunteer(client, ag_phone):
    url = reverse("officials:contact_point_report", args=[ag_phone.pk])
    response = client.post(url, {"reason": "Disconnected"})
    assert response.status_code == HTTPStatus.FOUND
    assert reverse("account_login") in response["Location"]
    assert not WrongNumberReport.objects.exists()


def test_a_report_needs_a_reason(client, volunteer, ag_phone):
    client.force_login(volunteer)
    response = client.post(reverse("officials:contact_point_report", args=[ag_phone.pk]), {"reason": "  "})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not WrongNumberReport.objects.exists()


def test_the_api_takes_a_report_from_a_token_client(token_client, volunteer, ag_phone):
    client = token_client(volunteer)
    response = client.post(f"/api/v1/contact-points/{ag_phone.pk}/reports/", {"reason": "Rings a fax"}, format="json")
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["status"] == "open"
    assert WrongNumberReport.objects.get().reporter == volunteer


def test_the_api_refuses_anonymous_reports_and_empty_reasons(api_client, token_client, volunteer, ag_phone):
    url = f"/api/v1/contact-points/{ag_phone.pk}/reports/"
    assert api_client.post(url, {"reason": "x"}, format="json").status_code in (
        HTTPStatus.UNAUTHORIZED,
        HTTPStatus.FORBIDDEN,
    )
    response = token_client(volunteer).post(url, {"reason": ""}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["error"]["code"] == "validation_error"
    assert token_client(volunteer).post("/api/v1/contact-points/999999/reports/", {"reason": "x"}).status_code == (
        HTTPStatus.NOT_FOUND
    )


def test_a_second_report_by_the_same_volunteer_adds_to_the_open_one(volunteer, ag_phone):
    first = wrong_number_report_create(contact_point=ag_phone, reporter=volunteer, reason="Disconnected")
    second = wrong_number_report_create(contact_point=ag_phone, reporter=volunteer, reason="Still disconnected")
    assert first.pk == second.pk
    assert WrongNumberReport.objects.count() == 1


def test_a_fix_records_who_changed_what_and_when_and_closes_the_reports(volunteer, staff_user, ag_phone):
    report = wrong_number_report_create(contact_point=ag_phone, reporter=volunteer, reason="Disconnected")
    contact_point_fix(contact_point=ag_phone, changed_by=staff_user, value="(573) 751-0000", report=report)
    ag_phone.refresh_from_db()
    assert ag_phone.value == "+15737510000"
    change = ContactPointChange.objects.get()
    assert (change.changed_by, change.field, change.old_value, change.new_value, change.report) == (
        staff_user,
        "value",
        "+15737513321",
        "+15737510000",
        report,
    )
    report.refresh_from_db()
    assert (report.status, report.resolved_by) == ("fixed", staff_user)
    assert report.resolved_at is not None


def test_a_fix_refuses_a_number_that_does_not_parse(staff_user, ag_phone):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        contact_point_fix(contact_point=ag_phone, changed_by=staff_user, value="555-01")
    ag_phone.refresh_from_db()
    assert ag_phone.value == "+15737513321"


def test_staff_fix_a_reported_number_in_the_admin(staff_client, volunteer, staff_user, ag_phone):
    client = staff_client
    report = wrong_number_report_create(contact_point=ag_phone, reporter=volunteer, reason="Disconnected")
    changelist = client.get(reverse("admin:officials_wrongnumberreport_changelist"), {"status__exact": "open"})
    assert changelist.status_code == HTTPStatus.OK
    assert "Disconnected" in changelist.content.decode()
    url = reverse("admin:officials_wrongnumberreport_change", args=[report.pk])
    assert client.get(url).status_code == HTTPStatus.OK
    response = client.post(
        url, {"status": "open", "corrected_value": "573-751-0000", "resolution_note": "Checked the AG's site"}
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    report.refresh_from_db()
    ag_phone.refresh_from_db()
    assert (report.status, report.resolution_note, ag_phone.value) == ("fixed", "Checked the AG's site", "+15737510000")
    assert ContactPointChange.objects.get().changed_by == staff_user


def test_a_later_import_keeps_the_staff_fix(db, staff_user):
    from officials.importers import import_divisions

    import_divisions(source=DEMO_DATA_DIR)
    import_state_executives(source=DEMO_DATA_DIR / "state-executives.csv")
    cp = ContactPoint.objects.get(value="+15737513321")
    contact_point_fix(contact_point=cp, changed_by=staff_user, value="573-751-0000")
    result = import_state_executives(source=DEMO_DATA_DIR / "state-executives.csv")
    cp.refresh_from_db()
    assert cp.value == "+15737510000"
    assert result.updated == 0
