"""The thin command-line layer: one typer module per command that parses arguments, calls one core
function and prints. The only package that imports typer and rich; it may import any package of cc.
"""
