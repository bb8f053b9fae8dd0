"""Benchmark preflight on a synthetic project: 1, 10 and 100 tenants of ~15 OpenStack resources.

    python bench/bench_preflight.py [--tenants 1 10 100] [--policy-pack DIR]

For each size, a fresh process runs preflight once (as `python -m preflight` would) on a project
generated into a temporary directory, and the figures are printed: wall time, the program run
(including its imports) and the policy evaluation (pack connection, Configure, every Analyze,
AnalyzeStack), peak memory of preflight and of the pack process, and resources per second.
The pack is the real sovereign-guard (policies/) unless --policy-pack names another.
Prints figures only; nothing here is a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from landing_zone import write_pulumi_project

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PACK = REPO / "policies"

def child(project: Path, pack: Path) -> None:
    """One preflight run in this process; figures as JSON on stdout."""
    sys.path.insert(0, str(REPO))
    started = time.perf_counter()
    from preflight.run import Options, run

    report = run(Options(project_dir=project, policy_pack=pack))
    wall = time.perf_counter() - started
    (stack,) = report.stacks
    if stack.error:
        raise SystemExit(f"bench run failed: {stack.error.message}")
    print(
        json.dumps(
            {
                "wall": wall,
                "program": stack.timings.get("program", 0.0),
                "policy": stack.timings.get("policy", 0.0),
                "resources": len(stack.resources),
                "violations": len(stack.violations),
                "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "pack_rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--policy-pack", type=Path, default=DEFAULT_PACK)
    parser.add_argument("--child", nargs=2, metavar=("PROJECT", "PACK"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return
    print(f"preflight benchmark, pack {args.policy_pack.resolve()}")
    print(
        f"{'tenants':>7} {'resources':>9} {'wall s':>7} {'program s':>9} {'policy s':>8} "
        f"{'res/s':>7} {'peak MB':>8} {'pack MB':>8} {'findings':>8}"
    )
    for tenants in args.tenants:
        with tempfile.TemporaryDirectory(prefix="preflight-bench-") as tmp:
            write_pulumi_project(Path(tmp), tenants)
            env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
            started = time.perf_counter()
            out = subprocess.run(
                [sys.executable, __file__, "--child", tmp, str(args.policy_pack.resolve())],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            ).stdout
            process_wall = time.perf_counter() - started
            f = json.loads(out)
            print(
                f"{tenants:>7} {f['resources']:>9} {process_wall:>7.2f} {f['program']:>9.2f} "
                f"{f['policy']:>8.2f} {f['resources'] / process_wall:>7.0f} {f['rss_kb'] / 1024:>8.0f} "
                f"{f['pack_rss_kb'] / 1024:>8.0f} {f['violations']:>8}"
            )
    print(
        "wall: the whole process (interpreter start to exit); program: imports and the program run, "
        "overlapping the pack's start; policy: everything after the pack answered."
    )


if __name__ == "__main__":
    main()
