"""Thin Celery tasks for the officials data."""

import logging

from celery import shared_task

from .refresh import RefreshFailed, officials_refresh, upstream_sources

logger = logging.getLogger(__name__)


@shared_task(name="officials.refresh", ignore_result=True)
def refresh_officials_task():
    """Runs weekly from beat. A failure is recorded on its RefreshRun and leaves the data as it was."""
    try:
        officials_refresh(sources=upstream_sources())
    except RefreshFailed:
        logger.exception("officials refresh failed; nothing was written")
    except Exception:
        # Recorded on its RefreshRun too; a weekly job that dies silently is worse than a logged failure.
        logger.exception("officials refresh failed unexpectedly; nothing was written")
