"""Which policy pack preflight starts when `--policy-pack` is not given.

A project that carries its own pack (`policies/PulumiPolicy.yaml`, as this repository does) is
checked with it, so `pulumi preview --policy-pack policies` and preflight run the same pack. Any
other project is checked with the sovereign-guard pack installed beside preflight
(`pip install sovereign-landing-zone` ships it as the `sovereign_guard_pack` directory).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

INSTALLED_PACK = "sovereign_guard_pack"


def installed_pack_dir() -> Path | None:
    """The installed pack's directory, or None when preflight runs from a checkout only."""
    spec = importlib.util.find_spec(INSTALLED_PACK)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        if (Path(location) / "PulumiPolicy.yaml").is_file():
            return Path(location)
    return None


def default_pack_dir(project_dir: Path) -> Path:
    """The project's own `policies/` when it holds a pack, else the installed pack."""
    own = project_dir / "policies"
    if (own / "PulumiPolicy.yaml").is_file():
        return own
    return installed_pack_dir() or own
