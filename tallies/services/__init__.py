"""Writes of the tallies: logging calls (one, or a batch), the rollup nudge, forgetting a deleted account.

The one way a call is logged is `call_log_create` (the page, the API and its fast path) or
`call_log_create_batch` (offline uploads); both check `call_rule_violation`. `call_log_undo`
takes one back within CALL_UNDO_WINDOW, as a row of its own. Each statement has
one PostgreSQL form and one SQLite form (3.35 or newer, checked by tallies/checks.py).
"""

from .batch import BatchResult, call_log_create_batch
from .calls import call_insert_function_install, call_insert_function_installed, call_log_create
from .forget import tally_user_forget
from .nudge import NUDGE_CACHE_KEY, NUDGE_DEBOUNCE_SECONDS, rollup_nudge
from .rules import (
    CALL_UNDO_WINDOW,
    CALLS_PER_OFFICE_WINDOW,
    CallRefused,
    IdempotencyKeyReused,
    TooManyCallsToOffice,
    ZipCodeRequired,
    call_rule_violation,
    caller_office_ids,
    max_calls_per_office,
)
from .shares import (
    DEFAULT_SHARE_DAYS,
    MAX_SHARE_DAYS,
    office_report_share_create,
    office_report_share_open,
    office_report_share_revoke,
    office_report_share_token,
)
from .undo import CallNotFound, UndoWindowClosed, call_log_undo

__all__ = [
    "DEFAULT_SHARE_DAYS",
    "MAX_SHARE_DAYS",
    "office_report_share_create",
    "office_report_share_open",
    "office_report_share_revoke",
    "office_report_share_token",
    "CALLS_PER_OFFICE_WINDOW",
    "CALL_UNDO_WINDOW",
    "CallNotFound",
    "UndoWindowClosed",
    "call_log_undo",
    "NUDGE_CACHE_KEY",
    "NUDGE_DEBOUNCE_SECONDS",
    "BatchResult",
    "CallRefused",
    "IdempotencyKeyReused",
    "TooManyCallsToOffice",
    "ZipCodeRequired",
    "call_insert_function_install",
    "call_insert_function_installed",
    "call_log_create",
    "call_log_create_batch",
    "call_rule_violation",
    "caller_office_ids",
    "max_calls_per_office",
    "rollup_nudge",
    "tally_user_forget",
]
