"""One preflight run as `python -m preflight --format text` makes it, plus its timings.

    python bench/preflight_child.py PROJECT PACK TIMINGS_JSON

The report is rendered as the command line renders it and discarded; the stack's timings
(program, policy, overlap) go to TIMINGS_JSON for the benchmark to print.
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from preflight.formats import render
from preflight.run import Options, run


def main() -> None:
    project, pack, timings = (Path(a) for a in sys.argv[1:4])
    report = run(Options(project_dir=project, policy_pack=pack))
    (stack,) = report.stacks
    if stack.error:
        raise SystemExit(f"preflight failed: {stack.error.message}")
    render(report, "text")
    figures = dict(stack.timings, resources=len(stack.resources), violations=len(stack.violations))
    timings.write_text(json.dumps(figures))
    gc.freeze()  # as preflight/__main__.py does before it exits


if __name__ == "__main__":
    main()
