"""Tables that components register as outputs (the flow matrix, the key-custody table), read back
for the report by the output name their declared schema gives (review_tables).

Cells are cleaned as messages are: a secret-wrapped value becomes the redaction mark, every
string is scrubbed, and integral doubles (numbers cross the wire as doubles) become integers.
"""

from __future__ import annotations

from typing import Any

from review_tables import TableSchema

from .redaction import REDACTED, SecretRedactor
from .registration import Registration
from .wire import SECRET_SIG_KEY


def component_table(
    registrations: list[Registration], table: TableSchema, secrets: SecretRedactor
) -> list[dict[str, Any]] | None:
    """The first component output named as `table` declares that is a non-empty list of rows,
    cleaned. Cells are kept as published; the formats read the declared columns."""
    for reg in registrations:
        if reg.custom:
            continue
        rows = reg.outputs.get(table.output)
        if isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows):
            return [{str(k): _clean_cell(v, secrets) for k, v in row.items()} for row in rows]
    return None


def _clean_cell(value: Any, secrets: SecretRedactor) -> Any:
    if isinstance(value, dict):
        if SECRET_SIG_KEY in value:
            return REDACTED
        return {str(k): _clean_cell(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_cell(v, secrets) for v in value]
    if isinstance(value, str):
        return secrets.scrub(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
