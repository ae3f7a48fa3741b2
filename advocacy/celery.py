import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings.local")

app = Celery("advocacy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A task started by a request logs (and reports to Sentry) with the request's id.
from advocacy.request_ids import connect_celery_signals  # noqa: E402

connect_celery_signals()
