"""What happens to awards after issuing: `cc revoke` (and the status lists it republishes), `cc expiring`,
`cc transcript` and signed CLR 2.0 transcripts.

A feature package: imports validate, rules, emblem, credentials, ledger, catalog and core; never issue,
verify, site, export or cli.
"""
