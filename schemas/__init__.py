"""Pandera models of the published tables, and the keys between them.

``TABLES`` (publication order, which is also the order tables can be created in with their
foreign keys), ``PRIMARY_KEYS`` and ``FOREIGN_KEYS`` are the one place keys are written down:
validation, the DuckDB DDL and ``datapackage.json`` all read them.

The models (and pandera, and pandas) are loaded on first use of ``TABLES``: what needs only the
vocabularies (``schemas.vocabularies``, read with the sources registry) or the keys does not pay
for them, so a build that is already up to date decides so quickly.
"""

from __future__ import annotations

import inspect
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandera.pandas as pa

    TABLES: dict[str, type[pa.DataFrameModel]]


def __getattr__(name: str) -> object:
    if name == "TABLES":
        return _tables()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _tables() -> dict[str, type[pa.DataFrameModel]]:
    """Table name -> model, in publication order; checked against the keys once, when built."""
    from schemas.agencies import Agencies
    from schemas.coverage import Coverage
    from schemas.municipalities import Municipalities
    from schemas.participation import Participation
    from schemas.platform_member_counts import PlatformMemberCounts
    from schemas.platform_members import PlatformMembers
    from schemas.program_agencies import ProgramAgencies
    from schemas.programs import Programs
    from schemas.selection_areas import SelectionAreas
    from schemas.selections import Selections
    from schemas.sources import Sources

    tables: dict[str, type[pa.DataFrameModel]] = {
        "sources": Sources,
        "agencies": Agencies,
        "programs": Programs,
        "program_agencies": ProgramAgencies,
        "municipalities": Municipalities,
        "platform_members": PlatformMembers,
        "platform_member_counts": PlatformMemberCounts,
        "selections": Selections,
        "selection_areas": SelectionAreas,
        "coverage": Coverage,
        "participation": Participation,
    }
    _check_consistency(tables)
    return tables


PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "sources": ("source_id",),
    "agencies": ("agency_id",),
    "programs": ("program_id",),
    "program_agencies": ("program_id", "agency_id"),
    "municipalities": ("lg_code",),
    "platform_members": ("member_id",),
    "platform_member_counts": ("as_of", "source_id"),
    "selections": ("selection_id",),
    "selection_areas": ("selection_id", "lg_code"),
    "coverage": ("program_id", "track", "fiscal_year", "round"),
    "participation": ("lg_code", "program_id", "track"),
}

# (table, column, referenced table, referenced column). Null values reference nothing.
FOREIGN_KEYS: list[tuple[str, str, str, str]] = [
    ("sources", "parent_source_id", "sources", "source_id"),
    ("programs", "source_id", "sources", "source_id"),
    ("programs", "description_source_id", "sources", "source_id"),
    ("programs", "predecessor_program_id", "programs", "program_id"),
    ("program_agencies", "program_id", "programs", "program_id"),
    ("program_agencies", "agency_id", "agencies", "agency_id"),
    ("program_agencies", "source_id", "sources", "source_id"),
    ("municipalities", "parent_lg_code", "municipalities", "lg_code"),
    ("municipalities", "source_id", "sources", "source_id"),
    ("platform_members", "lg_code", "municipalities", "lg_code"),
    ("platform_members", "source_id", "sources", "source_id"),
    ("platform_member_counts", "source_id", "sources", "source_id"),
    ("selections", "program_id", "programs", "program_id"),
    ("selections", "source_id", "sources", "source_id"),
    ("selection_areas", "selection_id", "selections", "selection_id"),
    ("selection_areas", "lg_code", "municipalities", "lg_code"),
    ("selection_areas", "source_id", "sources", "source_id"),
    ("coverage", "program_id", "programs", "program_id"),
    ("coverage", "announced_source_id", "sources", "source_id"),
    ("participation", "lg_code", "municipalities", "lg_code"),
    ("participation", "program_id", "programs", "program_id"),
]


def columns(table: str) -> list[str]:
    """Column names of a table, in the contract's order."""
    return list(_tables()[table].to_schema().columns)


def table_description(table: str) -> str:
    """One-paragraph description of a table (the model's docstring, whitespace collapsed)."""
    return " ".join((inspect.getdoc(_tables()[table]) or "").split())


def table_title(table: str) -> str:
    return _tables()[table].to_schema().title or table


def column_descriptions(table: str) -> dict[str, str]:
    schema_columns = _tables()[table].to_schema().columns
    return {name: col.description or "" for name, col in schema_columns.items()}


def column_nullable(table: str) -> dict[str, bool]:
    return {name: bool(col.nullable) for name, col in _tables()[table].to_schema().columns.items()}


def logical_types(table: str) -> dict[str, str]:
    """Column -> one of string, integer, boolean, date (the types every output maps from)."""
    out: dict[str, str] = {}
    for name, col in _tables()[table].to_schema().columns.items():
        dtype = str(col.dtype).lower()
        if dtype == "date":
            out[name] = "date"
        elif dtype in {"bool", "boolean"}:
            out[name] = "boolean"
        elif "int" in dtype:
            out[name] = "integer"
        else:
            out[name] = "string"
    return out


def key_has_nulls(table: str) -> bool:
    """The table's key includes a nullable column (coverage.round: NULL when not known)."""
    nullable = column_nullable(table)
    return any(nullable[column] for column in PRIMARY_KEYS[table])


def key_constraint(table: str) -> str:
    """The key as a SQL table constraint, the one both databases declare: PRIMARY KEY, or
    UNIQUE where a key column may be NULL (a primary key cannot hold NULL in DuckDB)."""
    kind = "UNIQUE" if key_has_nulls(table) else "PRIMARY KEY"
    return f"{kind} ({', '.join(PRIMARY_KEYS[table])})"


def referencing(table: str) -> list[tuple[str, str, str, str]]:
    """Foreign keys declared on ``table``."""
    return [fk for fk in FOREIGN_KEYS if fk[0] == table]


def _check_consistency(tables: dict[str, type[pa.DataFrameModel]]) -> None:
    """Keys must name real columns, and references must point backwards in TABLES order."""
    order = list(tables)
    names = {table: set(model.to_schema().columns) for table, model in tables.items()}
    for table, key in PRIMARY_KEYS.items():
        assert set(key) <= names[table], (table, key)
    for table, column, ref_table, ref_column in FOREIGN_KEYS:
        assert column in names[table] and ref_column in names[ref_table]
        assert PRIMARY_KEYS[ref_table] == (ref_column,), (table, column, ref_table)
        assert order.index(ref_table) <= order.index(table), (table, ref_table)


__all__ = [
    "FOREIGN_KEYS",
    "PRIMARY_KEYS",
    "TABLES",
    "column_descriptions",
    "column_nullable",
    "columns",
    "key_constraint",
    "key_has_nulls",
    "logical_types",
    "referencing",
    "table_description",
    "table_title",
]
