"""Test settings for a `celery beat` subprocess: the real rollup schedule entry, beating every second.

advocacy.settings.test empties the schedule (no test should send periodic tasks by accident) and
runs tasks eagerly, which would make beat run the rollup in its own process instead of sending it.
"""

from advocacy.settings.base import CELERY_BEAT_SCHEDULE as PRODUCTION_SCHEDULE
from advocacy.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
BEAT_INTERVAL = 1.0
CELERY_BEAT_SCHEDULE = {
    "tallies-rollup-calls": {
        **PRODUCTION_SCHEDULE["tallies-rollup-calls"],
        "schedule": BEAT_INTERVAL,
        "options": {"expires": BEAT_INTERVAL},
    }
}
