"""Writing a generated document, or checking that it is current (`--check`): the one step the
docs generators beside the pack (policies/gen_docs.py, gen_compliance.py) share."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path


def write_or_check(doc: Path, fresh: str, argv: Sequence[str], command: str) -> int:
    """0 when `doc` was written (or, with --check, is current); 1 when --check finds it stale."""
    if "--check" in argv:
        if not doc.exists() or doc.read_text(encoding="utf-8") != fresh:
            print(f"{doc} is stale: run {command}", file=sys.stderr)
            return 1
        return 0
    doc.write_text(fresh, encoding="utf-8")
    return 0
