"""`cc validate`: the loader that turns a catalog folder into a checked model (`load`), the shape walker,
the engine that registers the rule modules and runs them, and the reporters (text, json, github, junit).

Imports `cc_cli.rules` and the layers below it (emblem, credentials, ledger, catalog, core).
"""
