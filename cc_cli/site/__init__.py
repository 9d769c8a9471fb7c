"""`cc site`: the catalog as a static HTML site (build.py for the layout, publish.py for the swap).

A feature package: imports validate, rules, emblem, credentials, ledger, catalog and core; never issue,
verify, lifecycle, export or cli.
"""

from cc_cli.site.build import SiteResult, build_site

__all__ = ["SiteResult", "build_site"]
