"""The ledger: every award and batch, with the unique constraints that make issuing exactly-once. It owns
every line of SQL in cc; the rest of cc calls its methods, through `locate.open_ledger_at` (a path opens
the SQLite ledger, a `postgresql://` URL the shared PostgreSQL one) and the interface of `base`.

Imports `cc_cli.catalog` and `cc_cli.core`; not the other packages of its layer (emblem, credentials).
"""
