"""Test settings for `celery worker` subprocesses: the test settings, plus the rollup pause app
(tests/integration/rollup_pause), which does nothing unless a test sets its environment."""

from advocacy.settings.test import *  # noqa: F403
from advocacy.settings.test import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.integration.rollup_pause"]
