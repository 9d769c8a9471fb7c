"""The ground floor: Problem, Hit, UsageError and exit codes; atomic writes; reading a regular file within
a size limit (never a FIFO or a device); ISO 8601 durations; UTC stamps; worker counts; "did you mean";
formula-safe CSV files; the CC_PURE_PYTHON switch that runs the sources of the compiled modules (setup.py).

Imports nothing of cc_cli (only the standard library): every other package may import it.
"""
