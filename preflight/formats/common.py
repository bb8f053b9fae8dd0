"""Helpers shared by the formats."""

from __future__ import annotations

from typing import Any

from review_tables import FLOW_MATRIX, KEY_CUSTODY

from ..model import StackResult, Violation

LEVEL_ORDER = {"mandatory": 0, "remediate": 1, "advisory": 2, "disabled": 3}
SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3, "": 4}


def ordered(violations: list[Violation]) -> list[Violation]:
    """Blocking first, then by severity, policy, resource: a stable order for every format."""
    return sorted(
        violations,
        key=lambda v: (
            v.suppression is not None,
            LEVEL_ORDER.get(v.enforcement, 9),
            SEVERITY_ORDER.get(v.severity, 9),
            v.policy,
            v.urn,
            v.message,
        ),
    )


def detail(v: Violation) -> str:
    """The pack's message without the policy description that pulumi-policy puts in front of it."""
    msg = v.message
    if v.description and msg.startswith(v.description):
        rest = msg[len(v.description) :].lstrip("\n")
        return rest or msg
    return msg


def framework_text(v: Violation | Any) -> str:
    fw = getattr(v, "framework", None) or {}
    parts = [fw.get("name", ""), fw.get("version", ""), fw.get("reference", "")]
    text = " ".join(p for p in parts if p)
    spec = fw.get("specification", "")
    if spec:
        # A pack may list every reference in the specification, the primary one first.
        text = spec if not text or spec.startswith(text) else f"{text}: {spec}"
    return text


def counts(stack: StackResult) -> dict[str, int]:
    active = [v for v in stack.violations if v.suppression is None]
    return {
        "mandatory": sum(v.enforcement == "mandatory" for v in active),
        "advisory": sum(v.enforcement != "mandatory" for v in active),
        "suppressed": sum(v.suppression is not None for v in stack.violations),
    }


def ports(row: dict[str, Any]) -> str:
    lo, hi = FLOW_MATRIX.cell(row, "port_min", None), FLOW_MATRIX.cell(row, "port_max", None)
    if lo is None and hi is None:
        value = FLOW_MATRIX.cell(row, "ports", None)
        return "" if value in (None, "None") else str(value)
    low = int(lo if lo is not None else hi)
    high = int(hi if hi is not None else lo)
    return str(low) if low == high else f"{low}-{high}"


def flow_row(row: dict[str, Any]) -> tuple[str, str, str, str, str]:
    """Source, destination, protocol/ports, origin and justification, from a flow-matrix row."""
    proto = str(FLOW_MATRIX.cell(row, "protocol"))
    p = ports(row)
    return (
        str(FLOW_MATRIX.cell(row, "source")),
        str(FLOW_MATRIX.cell(row, "destination")),
        f"{proto}/{p}" if p else proto,
        str(FLOW_MATRIX.cell(row, "origin")),
        str(FLOW_MATRIX.cell(row, "justification")),
    )


def custody_row(row: dict[str, Any]) -> tuple[str, str, str, str]:
    """Key, generation, custody and where the material lives, from a key-custody row."""
    generation = KEY_CUSTODY.cell(row, "generation", None)
    if isinstance(generation, float) and generation.is_integer():
        generation = int(generation)
    return (
        str(KEY_CUSTODY.cell(row, "key", "?")),
        str(generation if generation is not None else "?"),
        str(KEY_CUSTODY.cell(row, "custody", "?")),
        str(KEY_CUSTODY.cell(row, "material_location")),
    )
