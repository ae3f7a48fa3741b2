import os
import time
from pathlib import Path

from django.apps import AppConfig

from . import MARKER_ENV, PAUSE_ENV


def pause(**kwargs):
    seconds = os.environ.get(PAUSE_ENV)
    if not seconds:
        return
    marker = os.environ.get(MARKER_ENV)
    if marker:
        Path(marker).write_text(str(os.getpid()))
    time.sleep(float(seconds))


class RollupPauseConfig(AppConfig):
    name = "tests.integration.rollup_pause"
    label = "rollup_pause"

    def ready(self):
        from tallies.rollups import rollup_window_added

        rollup_window_added.connect(pause, dispatch_uid="rollup_pause")
