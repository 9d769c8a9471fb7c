"""The catalog as data: the model, the file formats and value formats, the YAML loader with line and
column positions, the folder layout, the JSON Schema export, learning-path roadmaps, and cc's own words
in the catalog's language (`texts`, read from `cc_cli/data/texts/`).

It may import only `cc_cli.core`. It reads and describes a catalog; checking one against the framework is
`cc_cli.validate`'s job.
"""
