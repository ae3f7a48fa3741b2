"""Email tasks through a PostgreSQL restart: retried, never a failure that stops the worker."""

import pytest
from celery.exceptions import Retry
from django.db import InterfaceError, OperationalError

from rally import tasks as rally_tasks
from reminders import tasks as reminders_tasks


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_call_now_is_retried_when_the_database_is_briefly_unreachable(monkeypatch, error):
    def database_restarting(**kwargs):
        raise error("the database system is shutting down")

    retried = []

    def retry(exc=None, countdown=None, **kwargs):
        retried.append((type(exc), countdown))
        return Retry()

    monkeypatch.setattr(rally_tasks, "call_now_send", database_restarting)
    monkeypatch.setattr(rally_tasks.send_call_now_task, "retry", retry)
    with pytest.raises(Retry):
        rally_tasks.send_call_now_task.run(message_id=1)
    assert retried == [(error, 30)]


def test_recording_a_failure_with_the_database_down_does_not_raise(monkeypatch):
    """Celery stops the whole worker when its failure handler raises (seen in bench/call_day.py)."""

    def unreachable(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(rally_tasks, "call_now_fail", unreachable)
    rally_tasks.send_call_now_task.on_failure(RuntimeError("boom"), "task-id", (), {"message_id": 1}, None)

    monkeypatch.setattr(reminders_tasks, "reminders_fail_unsent", unreachable)
    reminders_tasks.send_weekly_digest_part_task.on_failure(
        RuntimeError("boom"), "task-id", (), {"week_start": "2026-11-30", "part": 0, "parts": 1}, None
    )
