"""The only place the tallies app writes SQL by hand; everything else in it uses the ORM.

Each statement here is one the ORM cannot express, or not at the cost the hot paths allow:

- reads.py: every figure is the rollup rows up to the high-water mark plus the live tail of
  calls above it, read from ONE snapshot in one statement (UNION ALL of a rollup table and
  CallLog, the mark read inside the statement, a CTE for the tail); the ORM has no UNION ALL
  over different tables feeding one GROUP BY, nor a subquery-driven mark in each half.
- writes.py: a call is logged by ONE INSERT ... SELECT that looks up the holder and the
  caller's chapter (ORM-compiled subqueries), checks the per-office limit and skips a used
  idempotency key (ON CONFLICT ... WHERE ... DO NOTHING RETURNING) with no extra round trip; on
  PostgreSQL it runs inside a PL/pgSQL function that first takes the per-office lock, so a call
  is one statement from the client, with the INSERT's snapshot taken after the lock;
  the batch upload is one INSERT fed by json_to_recordset (PostgreSQL) or a VALUES list
  (SQLite), its keys already used read with one array parameter (`= ANY(%s)`); the per-office
  limit is one SQL rule (PLACES_LEFT) for the single INSERT and the batch, over the caller's calls
  of the window, read so that only the (user, created_at) index can serve them (CALLER_WINDOW); forgetting an account merges its tally rows into user 0's (INSERT ...
  SELECT ... ON CONFLICT DO UPDATE). bulk_create can neither select nor add on conflict.
- rollup.py: the tally tables and their key expressions (tally_specs), the window end under
  a brief LOCK TABLE, and the upserts INSERT ... SELECT ...
  GROUP BY ... ON CONFLICT DO UPDATE SET n = n + excluded.n (on PostgreSQL all fed from one
  MATERIALIZED CTE of the window).
- office_report.py: the office report's figures in one statement over CallLog through its
  (office, campaign, created_at) covering index (distinct callers need the callers, which no
  count rollup keeps), and the answer rates: AnswerHourTally plus the live tail, grouped by each
  office's local weekday and hour (a zone per office, which the ORM cannot convert per row).
- recount.py: the recount behind verify_tallies, grouping the calls by the rollup's own key
  expressions.

Each module has one PostgreSQL form and one SQLite form of each statement (SQLite >= 3.35, see
tallies/checks.py; usually the same text). Table names come from the models, values travel as
parameters; the `# noqa: S608` marks are the f-strings that splice table and column names.
tests/test_architecture.py checks that no other tallies module opens a cursor.
"""
