"""Helpers shared by the formats."""

from __future__ import annotations

from typing import Any

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
    lo, hi = row.get("port_min"), row.get("port_max")
    if lo is None and hi is None:
        value = row.get("ports")
        return "" if value in (None, "None") else str(value)
    low = int(lo if lo is not None else hi)  # type: ignore[arg-type]
    high = int(hi if hi is not None else lo)  # type: ignore[arg-type]
    return str(low) if low == high else f"{low}-{high}"


def flow_row(row: dict[str, Any]) -> tuple[str, str, str, str, str]:
    proto = str(row.get("protocol", ""))
    p = ports(row)
    return (
        str(row.get("source", row.get("from", ""))),
        str(row.get("destination", row.get("to", ""))),
        f"{proto}/{p}" if p else proto,
        str(row.get("origin", "")),
        str(row.get("justification", "")),
    )


def custody_row(row: dict[str, Any]) -> tuple[str, str, str, str]:
    """Key, generation, custody and where the material lives, from a key-custody row."""
    generation = row.get("generation")
    if isinstance(generation, float) and generation.is_integer():
        generation = int(generation)
    return (
        str(row.get("key", "?")),
        str(generation if generation is not None else "?"),
        str(row.get("custody", "?")),
        str(row.get("material_location", "")),
    )
