"""The tables a security reviewer reads, declared once: the authorised-flow matrix and the
key-custody table, each with the component output that carries it and its columns.

The components build their rows with `TableSchema.row` (components/flow_matrix.py,
components/kms.py) and publish them under `TableSchema.output`; preflight reads them back by that
output name and its formats read cells with `TableSchema.cell` (preflight/component_tables.py,
preflight/formats/common.py). A column renamed on one side is then an error on both, at once,
instead of an empty cell in a report.

A leaf package: the standard library only, so that the program (which loads pulumi) and preflight
(which must not load the program's modules before it runs them) can both import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str


@dataclass(frozen=True)
class TableSchema:
    """One table: the component output that carries it, and its columns in order."""

    output: str
    """The name of the component output (register_outputs key) that holds the rows."""
    title: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def row(self, **cells: Any) -> dict[str, Any]:
        """A row with exactly the declared columns, in their order; anything else is a bug here."""
        missing = [n for n in self.names if n not in cells]
        extra = sorted(set(cells) - set(self.names))
        if missing or extra:
            raise ValueError(f"{self.output} row: missing columns {missing}, undeclared columns {extra}")
        return {name: cells[name] for name in self.names}

    def cell(self, row: Mapping[str, Any], name: str, default: Any = "") -> Any:
        """A cell of a row as published (possibly by an older program: then the default)."""
        if name not in self.names:
            raise KeyError(f"{self.output} has no column {name!r} (columns: {', '.join(self.names)})")
        return row.get(name, default)


FLOW_MATRIX = TableSchema(
    output="flow_matrix",
    title="Authorised-flow matrix",
    columns=(
        Column("source", "a zone name or a CIDR"),
        Column("destination", "a zone name or a CIDR"),
        Column("protocol", "tcp, udp, icmp, or any"),
        Column("port_min", "lowest port, or null for every port"),
        Column("port_max", "highest port, or null for every port"),
        Column("justification", "why the flow is authorised"),
        Column("origin", "'stack' (the stack file declares it) or 'design' (the landing zone imposes it)"),
        Column("ports", "the port range as text: '22', '8000-8080', 'all' or '-'"),
    ),
)
"""SecNumCloud 3.2 13.1: the authorised flows, with ports, protocols and justification."""

KEY_CUSTODY = TableSchema(
    output="key_custody",
    title="Key custody",
    columns=(
        Column("key", "the key's name"),
        Column("generation", "its rotation generation"),
        Column("status", "'current' or 'kept for decryption'"),
        Column("purpose", "what the key encrypts"),
        Column("custody", "'customer-held' or 'provider-kms'"),
        Column("algorithm", "the algorithm the key is for"),
        Column("source", "'generated' or 'imported'"),
        Column("data_class", "the data class the key protects"),
        Column("material_location", "where the key material lives; never the material itself"),
        Column("readers", "who can read the material"),
        Column("expires_at", "expiry of the current generation, or null"),
        Column("rotation_days", "rotation period in days, or null"),
    ),
)
"""Who holds each key, per live generation; never any key material."""
