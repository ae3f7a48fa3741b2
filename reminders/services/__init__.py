"""Writes for reminders: claim, render, send and record reminder emails.

How a run stays harmless to repeat (see reminders/models.py; the ledger is
`reminders/services/ledger.py`):

1. Volunteers are read in id order, a chunk at a time (`.iterator(chunk_size=...)`).
2. For each chunk, the emails of the volunteers with no row yet (or a READY one) are rendered;
   then, in one transaction, one INSERT ... ON CONFLICT DO NOTHING creates their "already sent"
   rows as SENDING with this chunk's claim token; rows that exist already (sent by an earlier
   run, or being sent by a concurrent one) are left alone. Rows an earlier run released after
   a transient SMTP error (READY) are taken over by one UPDATE. The rows carrying our token
   are ours alone: only they are sent. Rendering before claiming means a database restart
   in between leaves nothing claimed but unsent.
3. The chunk's emails go over ONE SMTP connection, in a sender thread, while the main thread
   claims and renders the next chunks (at most SENDERS chunks in flight); then one UPDATE per
   outcome records them. Only the main thread touches the database.
4. A transient SMTP error (connection refused or lost, a 4xx reply) stops the run: what was
   sent is recorded, the rest of the chunk goes back to READY, and TransientSendError tells
   the Celery task to retry with a countdown. A permanent refusal of one recipient (5xx) marks
   that row FAILED with the server's reply and carries on.
5. A run killed mid-chunk leaves SENDING rows; the next run marks those older than
   CLAIM_LEASE as FAILED rather than sending them again, because some may have been sent.
   At most once is the promise: nobody gets the same reminder twice.
6. A run that loses the database (a restart) waits for it, up to DATABASE_BACK_SECONDS, to
   write down what its senders sent and to give back a claim whose answer was lost (never sent:
   READY again), then raises for the task's retry, which sends the rest. So a restart mid-send
   neither leaves sent emails unrecorded nor claimed ones unsent.
"""

from .ledger import (
    CHUNK_SIZE,
    CLAIM_LEASE,
    RETRYABLE_SEND_ERRORS,
    SENDERS,
    Builder,
    ReminderRun,
    TransientSendError,
    deliver,
    is_permanent,
    reminders_fail_interrupted,
    reminders_fail_unsent,
    smtp_error,
)
from .mailer import Mailer
from .sends import (
    digest_builder,
    new_campaign_builder,
    reminders_send_new_campaigns,
    reminders_send_weekly_digest,
    reminders_unsubscribe,
)

__all__ = [
    "CHUNK_SIZE",
    "CLAIM_LEASE",
    "RETRYABLE_SEND_ERRORS",
    "SENDERS",
    "Builder",
    "Mailer",
    "ReminderRun",
    "TransientSendError",
    "deliver",
    "digest_builder",
    "is_permanent",
    "new_campaign_builder",
    "reminders_fail_interrupted",
    "reminders_fail_unsent",
    "reminders_send_new_campaigns",
    "reminders_send_weekly_digest",
    "reminders_unsubscribe",
    "smtp_error",
]
