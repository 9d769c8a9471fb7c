"""`cc report`: programme outcomes for a period (awards per month, states, holders, renewal rates, learning
path funnels, top skills), as a self-contained HTML file with SVG charts, rich tables, JSON or CSV.

A feature package: `figures` turns the ledger's SQL aggregates (`cc_cli.ledger.outcomes`) and the catalog
into a `Report`; `tables` lays it out as rows, `charts` draws it (matplotlib, SVG), `html` assembles the
file, `outputs` writes JSON and CSV. Imports validate, emblem, ledger, catalog and core; never another
feature package or cli.
"""
