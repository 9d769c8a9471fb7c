"""`cc verify`: reading award files and baked emblems, the checks, revocation, issuer trust, schema, the run.
A feature package: it may import validate, rules, emblem, credentials, ledger, catalog and core; never issue,
lifecycle, site, export or cli, nor (like all below cli) typer or rich. No imports here: `cc --help` stays fast."""
