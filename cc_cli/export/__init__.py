"""`cc export`: the catalog as OB 3.0 achievements, CTDL JSON-LD, or a Credly roster template.

A feature package: imports validate, rules, emblem, credentials, ledger, catalog and core; never issue,
verify, lifecycle, site or cli.
"""
