"""A task started by a request logs, in a real Celery worker, with that request's id."""

import time

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from advocacy import urls as site_urls
from advocacy.request_ids import HEADER
from tallies.models import CallLog

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _starts_a_rollup(request):
    from advocacy.celery import app

    app.send_task("tallies.rollup_calls")
    return HttpResponse("started")


urlpatterns = [path("start-rollup/", _starts_a_rollup), *site_urls.urlpatterns]


@override_settings(ROOT_URLCONF=__name__)
def test_the_worker_logs_the_task_with_the_request_id_that_started_it(
    client, worker, national_campaign, chapter, offices, volunteer
):
    action = national_campaign.actions.get()
    CallLog.objects.create(
        user=volunteer,
        campaign=national_campaign,
        action=action,
        office=offices["doj"],
        chapter=chapter,
        outcome="reached",
    )
    worker.start()
    response = client.get("/start-rollup/")
    request_id = response[HEADER]
    deadline = time.monotonic() + 60
    while "rolled up 1 calls" not in worker.log():
        assert time.monotonic() < deadline, worker.log()[-3000:]
        time.sleep(0.2)
    line = next(line for line in worker.log().splitlines() if "rolled up 1 calls" in line)
    assert f"[{request_id}]" in line
