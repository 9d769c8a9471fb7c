"""The framework rules, by group: shape (CC0xx-CC1xx), credentials (CC2xx), paths (CC3xx), emblems (CC4xx),
roster rows (CC5xx)."""
