"""Test settings for `celery beat` and `celery worker` subprocesses that send call-day emails.

The real call-day schedule entry, beating every second; email to the test's SMTP server
(TEST_SMTP_PORT); any hour of the call day counts as morning, so the test can run at any time.
"""

import os

from advocacy.settings.base import CELERY_BEAT_SCHEDULE as PRODUCTION_SCHEDULE
from advocacy.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
BEAT_INTERVAL = 1.0
CELERY_BEAT_SCHEDULE = {
    "rally-send-call-day-emails": {
        **PRODUCTION_SCHEDULE["rally-send-call-day-emails"],
        "schedule": BEAT_INTERVAL,
        "options": {"expires": BEAT_INTERVAL},
    }
}
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ.get("TEST_SMTP_PORT", "25"))
EMAIL_USE_TLS = False
EMAIL_TIMEOUT = 10
RALLY_CALL_DAY_EMAIL_HOUR = 0
