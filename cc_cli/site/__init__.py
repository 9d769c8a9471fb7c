"""`cc site`: the catalog as a static HTML site (see build.py for the layout, publish.py for the swap)."""

from cc_cli.site.build import SiteResult, build_site

__all__ = ["SiteResult", "build_site"]
