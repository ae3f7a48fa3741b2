from http import HTTPStatus

import pytest
from django.urls import reverse

from officials.models import ContactPoint, ContactPointChange, Division, Office, OfficeRole, Person, ZipDivision
from tests.factories.officials import missouri_officials


@pytest.fixture
def missouri(db):
    return missouri_officials()


@pytest.mark.parametrize("model", [Division, Office, Person, ZipDivision, ContactPoint])
def test_every_officials_changelist_loads(staff_client, missouri, model):
    url = reverse(f"admin:officials_{model._meta.model_name}_changelist")
    assert staff_client.get(url).status_code == HTTPStatus.OK


def test_offices_are_searched_by_title_and_filtered_by_role_and_state(staff_client, missouri):
    url = reverse("admin:officials_office_changelist")
    html = staff_client.get(url, {"q": "Attorney General"}).content.decode()
    assert "Attorney General of Missouri" in html
    assert "Governor of Missouri" not in html
    html = staff_client.get(url, {"role__exact": "us_senate", "state": "MO"}).content.decode()
    assert html.count("U.S. Senator for Missouri") >= 2
    assert "Catherine Hanaway" in staff_client.get(url, {"role__exact": "attorney_general"}).content.decode()


def test_people_are_searched_by_name(staff_client, missouri):
    html = staff_client.get(reverse("admin:officials_person_changelist"), {"q": "Hanaway"}).content.decode()
    assert "Catherine Hanaway" in html
    assert "Josh Hawley" not in html


def test_an_office_page_has_terms_and_contact_points_inline(staff_client, missouri):
    html = staff_client.get(reverse("admin:officials_office_change", args=[missouri["doj"].pk])).content.decode()
    assert "contact_points-TOTAL_FORMS" in html
    assert "terms-TOTAL_FORMS" in html
    assert "https://www.justice.gov/contact-us" in html


def test_staff_create_an_organisation_with_its_contact_form_in_one_page(staff_client, missouri):
    country = Division.objects.get(ocd_id="ocd-division/country:us")
    data = {
        "role": OfficeRole.ORGANISATION,
        "name": "Federal Bureau of Prisons",
        "title": "Federal Bureau of Prisons",
        "division": country.pk,
        "seat": "",
        "website": "https://www.bop.gov/",
        "is_active": "on",
        "terms-TOTAL_FORMS": "0",
        "terms-INITIAL_FORMS": "0",
        "contact_points-TOTAL_FORMS": "1",
        "contact_points-INITIAL_FORMS": "0",
        "contact_points-0-kind": "form",
        "contact_points-0-value": "https://www.bop.gov/inmates/concerns.jsp",
        "contact_points-0-label": "Contact form",
        "contact_points-0-position": "0",
        "contact_points-0-is_active": "on",
    }
    response = staff_client.post(reverse("admin:officials_office_add"), data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    office = Office.objects.organisations().get(name="Federal Bureau of Prisons")
    assert office.contact_points.get().value == "https://www.bop.gov/inmates/concerns.jsp"


def test_editing_a_number_in_the_admin_is_audited(staff_client, staff_user, missouri):
    cp = ContactPoint.objects.get(value="+15737513321")
    url = reverse("admin:officials_contactpoint_change", args=[cp.pk])
    data = {
        "office": cp.office_id,
        "person": cp.person_id or "",
        "kind": "phone",
        "value": "573-751-0000",
        "label": cp.label,
        "address": "",
        "hours": "",
        "is_capitol": "on",
        "position": "0",
        "is_active": "on",
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
    }
    response = staff_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    cp.refresh_from_db()
    assert cp.value == "+15737510000"
    change = ContactPointChange.objects.get(contact_point=cp)
    assert (change.changed_by, change.old_value) == (staff_user, "+15737513321")
