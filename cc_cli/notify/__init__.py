"""Delivering awards to their holders by email (`cc notify`): the message from jinja2 templates, one SMTP
connection, and delivery state in the ledger's outbox so that a re-run sends nothing twice.

It may import validate, rules, emblem, credentials, ledger, catalog and core; never its siblings (issue, verify,
lifecycle, site, export): `cc issue --notify` and the like are wired in the CLI layer.
"""
