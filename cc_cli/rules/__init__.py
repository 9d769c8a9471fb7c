"""The framework rules, one module per group: shape (CC0xx-CC1xx), credentials (CC2xx), paths (CC3xx),
emblems (CC4xx), roster rows (CC5xx, run by `cc issue`), rows of awards issued elsewhere (CC7xx, run by
`cc import awards`). `registry` is a leaf that imports no rule module;
`cc_cli.validate.engine` imports them.

Imports emblem, credentials, ledger, catalog and core; never validate or anything above it.
"""
