"""The ground floor: Problem, Hit, UsageError and exit codes; atomic writes; ISO 8601 durations; UTC
stamps; worker counts; "did you mean"; formula-safe CSV files.

Imports nothing of cc_cli (only the standard library): every other package may import it.
"""
