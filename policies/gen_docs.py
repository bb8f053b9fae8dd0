"""Regenerate the policy catalogue in docs/policies.md from the policy objects.

    python policies/gen_docs.py          # rewrite the generated section
    python policies/gen_docs.py --check  # exit 1 when the file is stale

Only the text between the BEGIN/END markers is generated; the rest of the file is written by hand.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pulumi_policy import StackValidationPolicy
from sovereign_guard import ALL_POLICIES, PACK_NAME, REGISTRY
from sovereign_guard.generated_doc import write_or_check

DOC = Path(__file__).resolve().parent.parent / "docs" / "policies.md"
BEGIN = "<!-- BEGIN GENERATED: policy catalogue (python policies/gen_docs.py) -->"
END = "<!-- END GENERATED: policy catalogue -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    lines = [
        BEGIN,
        "",
        f"{len(ALL_POLICIES)} policies in pack `{PACK_NAME}`, in the order the pack runs them.",
        "",
        "| policy | kind | level | severity | what it blocks |",
        "| --- | --- | --- | --- | --- |",
    ]
    for policy in ALL_POLICIES:
        kind = "stack" if isinstance(policy, StackValidationPolicy) else "resource"
        level = policy.enforcement_level.value if policy.enforcement_level else ""
        severity = policy.severity.value if policy.severity else ""
        link = f"[`{policy.name}`](#{policy.name})"
        lines.append(f"| {link} | {kind} | {level} | {severity} | {_cell(policy.description)} |")
    for policy in ALL_POLICIES:
        meta = REGISTRY[policy.name]
        lines += ["", f"### {policy.name}", "", policy.description, ""]
        lines.append(
            f"- Level: **{policy.enforcement_level.value if policy.enforcement_level else ''}**; "
            f"severity: **{policy.severity.value if policy.severity else ''}**; "
            f"suppressible: {'yes' if meta.suppressible else 'no'}"
        )
        types = (*meta.types, *meta.reads)
        lines.append(f"- Resource types: {', '.join(f'`{t}`' for t in types) or 'all'}")
        lines.append("- References:")
        lines += [f"  - {ref.label()}: {ref.summary}" for ref in meta.refs]
        lines.append(f"- Remediation: {policy.remediation_steps}")
        if meta.config:
            lines.append("- Configuration (properties of this policy in the policy config file):")
            for key, schema in meta.config.items():
                default = json.dumps(schema["default"]) if "default" in schema else "none"
                about = schema.get("description", "")
                if key == "suppressions":
                    about += "; each item: policy, resource, reason, expires, approved_by"
                shown = default if len(default) <= 120 else default[:117] + "..."
                lines.append(f"  - `{key}` ({schema.get('type', 'any')}, default `{shown}`): {about}")
    lines += ["", END]
    return "\n".join(lines)


def updated(text: str) -> str:
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{DOC}: markers missing ({BEGIN!r} ... {END!r})")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + render() + tail


def main(argv: list[str]) -> int:
    return write_or_check(DOC, updated(DOC.read_text(encoding="utf-8")), argv, "python policies/gen_docs.py")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
