"""Publish stage: the validated tables as Parquet, CSV, DuckDB, a Frictionless Data Package, a
data dictionary and the validation report, swapped into ``processed/`` atomically.

``stage`` orders the steps (:func:`pipeline.publish.stage.publish`). ``writers`` prepares the
tables and writes the data files, ``descriptors`` writes what describes them
(datapackage.json, DATA_DICTIONARY.md, README.md), ``sqlite`` the copy Datasette serves,
``diff`` compares with the previous publication and ``previous`` reads what it holds, and
``swap`` owns the temporary folders and the two renames, so a crash leaves the previous
publication or the new one, never a mix. Parquet, CSV and JSON files are reproducible (sorted
rows, fixed column order, no wall-clock time); the DuckDB file is not byte-reproducible (its
storage format carries internal state) and says so; the SQLite copy (for Datasette) is, for a
given SQLite library version.

Nothing is imported here: checking an ``--out-dir`` (``swap``) must not load pandas.
"""
