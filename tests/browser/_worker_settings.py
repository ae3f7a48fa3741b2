"""Test settings for a `celery worker` subprocess that sends real email to the test's SMTP server."""

import os

from advocacy.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["TEST_SMTP_PORT"])
EMAIL_USE_TLS = False
EMAIL_TIMEOUT = 10
# Two emails a chunk, so the progress moves in steps a browser can see.
RALLY_CALL_NOW_CHUNK_SIZE = 2
