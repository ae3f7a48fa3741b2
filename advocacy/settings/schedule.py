"""The Celery beat schedule: what runs when. base.py sets it as CELERY_BEAT_SCHEDULE.

Not a settings module of its own. Each entry expires after its interval, so beats missed while
no worker ran do not pile up.
"""

from celery.schedules import crontab

BEAT_SCHEDULE: dict = {
    # Runs every 5 seconds: rolls newly committed calls into the tallies (tallies/rollups.py).
    # Dashboards add the live tail above the rollup, so this sets their speed, not their accuracy.
    "tallies-rollup-calls": {
        "task": "tallies.rollup_calls",
        "schedule": 5.0,
        "options": {"expires": 5.0},
    },
    # Runs every 10 minutes: emails volunteers who chose "when a new campaign starts" about
    # campaigns that became active since (reminders/services/). Reruns send nothing twice.
    "reminders-send-new-campaigns": {
        "task": "reminders.send_new_campaigns",
        "schedule": 600.0,
        "options": {"expires": 600.0},
    },
    # Runs every Monday at 15:00 UTC (10:00 New York, 07:00 Los Angeles): the weekly digest.
    # Expires after 12 hours rather than a week: a digest that could not start by Monday night is stale.
    "reminders-send-weekly-digest": {
        "task": "reminders.send_weekly_digest",
        "schedule": crontab(minute=0, hour=15, day_of_week="mon"),
        "options": {"expires": 12 * 3600.0},
    },
    # Runs every Sunday at 07:00 UTC: refreshes the officials from the upstream sources
    # (officials/refresh.py) and emails staff the change report. Expires after a day.
    "officials-refresh": {
        "task": "officials.refresh",
        "schedule": crontab(minute=0, hour=7, day_of_week="sun"),
        "options": {"expires": 24 * 3600.0},
    },
    # Runs every 30 seconds: queues again a "call now" whose sending stalled for a minute (its task
    # lost with a killed worker); the ledger sends each member's email at most once (rally/services/call_now.py).
    "rally-resume-call-now": {
        "task": "rally.resume_call_now",
        "schedule": 30.0,
        "options": {"expires": 30.0},
    },
    # Runs every 15 minutes: call-day emails to members whose own morning of the call day has
    # come (rally/services/call_days.py). The reminders ledger sends each once, whatever the number of beats.
    "rally-send-call-day-emails": {
        "task": "rally.send_call_day_emails",
        "schedule": 900.0,
        "options": {"expires": 900.0},
    },
}
