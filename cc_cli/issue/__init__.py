"""`cc issue`: roster reading, row checks, the plan, the crash-safe run, the signing workers, the outputs
(manifest, rejects, baking earlier awards) and the report.

A feature package: imports validate, rules, emblem, credentials, ledger, catalog and core; never verify,
lifecycle, site, export or cli.
"""
