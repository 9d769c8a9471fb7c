"""Emblems: the framework's design language drawn as SVG and PNG.

Kept import-light on purpose: `cc validate` imports `cc_cli.emblem.textfit` to check that titles fit
(CC401), and must not pay for Jinja2 or cairosvg. The renderer lives in `cc_cli.emblem.render`.
Imports `cc_cli.catalog` and `cc_cli.core`; not the other packages of its layer (credentials, ledger).
"""
