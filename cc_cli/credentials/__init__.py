"""The standards layer: Open Badges 3.0 documents, eddsa-rdfc-2022 Data Integrity signing, JSON-LD with
bundled contexts, the fast RDFC-1.0 canonicaliser, did:key and the issuer's key file, Bitstring status
lists, baking into PNG and SVG.

Imports `cc_cli.catalog` and `cc_cli.core`; not the other packages of its layer (emblem, ledger).
"""
