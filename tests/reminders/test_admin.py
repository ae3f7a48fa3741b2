from http import HTTPStatus

import pytest
from django.urls import reverse

from reminders.models import ReminderDelivery, ReminderKind

pytestmark = pytest.mark.django_db


def _delivery(user, **fields):
    defaults = {"kind": ReminderKind.WEEKLY_DIGEST, "key": "week:2026-11-23", "email": user.email}
    return ReminderDelivery.objects.create(user=user, **{**defaults, **fields})


def test_staff_can_filter_deliveries_by_kind_and_status(staff_client, volunteer, chapter_lead):
    _delivery(volunteer, status=ReminderDelivery.Status.FAILED, error="550 No such user")
    _delivery(chapter_lead, status=ReminderDelivery.Status.SENT)
    url = reverse("admin:reminders_reminderdelivery_changelist")

    response = staff_client.get(url, {"status__exact": "failed", "kind__exact": "weekly_digest"})

    assert response.status_code == HTTPStatus.OK
    assert list(response.context["cl"].result_list.values_list("email", flat=True)) == [volunteer.email]


def test_staff_can_search_deliveries_by_email(staff_client, volunteer, chapter_lead):
    _delivery(volunteer)
    _delivery(chapter_lead)
    url = reverse("admin:reminders_reminderdelivery_changelist")

    response = staff_client.get(url, {"q": "lead@"})

    assert response.status_code == HTTPStatus.OK
    assert list(response.context["cl"].result_list.values_list("email", flat=True)) == [chapter_lead.email]


def test_a_delivery_change_page_opens(staff_client, volunteer):
    delivery = _delivery(volunteer)

    response = staff_client.get(reverse("admin:reminders_reminderdelivery_change", args=[delivery.pk]))

    assert response.status_code == HTTPStatus.OK
