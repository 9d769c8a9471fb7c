"""The ground floor: Problem, Hit, UsageError and exit codes; atomic writes; reading a regular file within
a size limit (never a FIFO or a device); ISO 8601 durations; UTC stamps; worker counts; "did you mean";
formula-safe CSV files.

Imports nothing of cc_cli (only the standard library): every other package may import it.
"""
