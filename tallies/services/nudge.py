"""Waking the rollup soon after calls commit (debounced, best effort)."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings

logger = logging.getLogger(__name__)

# At most one rollup nudge per this many seconds, however many calls commit: at 1,000 calls/s
# the broker sees one message a second, not a thousand.
NUDGE_DEBOUNCE_SECONDS = 1
NUDGE_CACHE_KEY = "tallies:rollup-nudge"


_nudge_lock = threading.Lock()
_last_local_nudge = -float("inf")  # time.monotonic() of this process's last nudge


def rollup_nudge() -> None:
    """Wake the rollup soon after calls commit. Best effort: never raises, never blocks for long.

    Runs after the call's transaction has committed. The beat runs the rollup every few seconds
    anyway and dashboards add the live tail, so a nudge that is skipped (Redis down, debounced)
    delays nothing a reader can see. Each process first debounces on its own monotonic clock, so
    at 1,000 calls/s Redis sees one `add` a second per process instead of one per call; the
    shared cache key then debounces across processes. The cache and the broker share Redis, so
    when the key cannot be written (timeouts of 0.5 s) the message is not even tried. With eager
    Celery (tests, no broker) there is no traffic to save and the local debounce is skipped, so
    each test sees its own nudge.
    """
    global _last_local_nudge  # noqa: PLW0603 (one timestamp per process, by design)
    from django.core.cache import cache

    from advocacy.cache import cache_available

    from ..tasks import rollup_calls_task

    if not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        now = time.monotonic()
        with _nudge_lock:
            if now - _last_local_nudge < NUDGE_DEBOUNCE_SECONDS:
                return
            _last_local_nudge = now
    if not cache.add(NUDGE_CACHE_KEY, 1, timeout=NUDGE_DEBOUNCE_SECONDS) or not cache_available():
        return
    try:
        rollup_calls_task.apply_async(retry=False, expires=30)
    except Exception:  # the broker, not the cache: the call is logged; a missed nudge is caught up by the beat
        logger.warning("could not nudge the tally rollup", exc_info=True)
