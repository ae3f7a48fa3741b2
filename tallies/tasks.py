from celery import shared_task

from .rollups import rollup_calls


@shared_task(name="tallies.rollup_calls", ignore_result=True)
def rollup_calls_task():
    """Roll new calls into the tallies. Run by beat every few seconds and nudged after calls commit.

    Safe to run any number of times, at once, or to kill: see tallies/rollups.py.
    """
    rollup_calls()
