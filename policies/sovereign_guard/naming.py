"""The policy-name grammar: `<area>-<subject>-<verb>-<object>`, kebab-case (shared/DESIGN.md).

An area may itself hold a hyphen (`data-protection`), so the area of a name is the one of AREAS it
starts with, never its first word.
"""

from __future__ import annotations

AREAS = ("sovereignty", "encryption", "network", "access", "kubernetes", "data-protection", "hygiene")
VERBS = ("require", "disallow", "restrict", "enforce")


def area_of(name: str) -> str:
    """The grammar area a policy name starts with; ValueError when it starts with none."""
    found = [area for area in AREAS if name.startswith(area + "-")]
    if not found:
        raise ValueError(f"policy name {name!r} does not start with an area ({', '.join(AREAS)})")
    return max(found, key=len)
