"""Preflight against Checkov on the same synthetic landing zone, side by side (`make bench-compare`).

    python bench/compare.py [--tenants 1 10 100 300 1000] [--runs 3] [--policy-pack DIR]

For each size the landing zone (bench/landing_zone.py, 15 OpenStack resources per tenant) is written
as a Pulumi project and as Terraform HCL. Then, alternately (the order flips each round so that
neither tool always runs on a warmer machine), preflight checks the Pulumi project with the real
sovereign-guard pack and Checkov checks the HCL offline. Each run is a whole process, measured from
outside (bench/process_tree.py): wall time and the peak memory of its process tree (preflight and
its pack together). Checkov lives in its own virtual environment, .checkov-venv, created on first
use; it never enters the project's requirements.

Prints figures only; nothing here is a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from landing_zone import RESOURCES_PER_TENANT, write_pulumi_project, write_terraform
from process_tree import Measured, measure

REPO = Path(__file__).resolve().parent.parent
CHECKOV_VERSION = "3.3.30"
_MB = 1024 * 1024


def ensure_checkov(venv: Path) -> Path:
    checkov = venv / "bin" / "checkov"
    if not checkov.is_file():
        print(f"installing checkov=={CHECKOV_VERSION} into {venv} (once; takes a few minutes)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
             f"checkov=={CHECKOV_VERSION}"],
            check=True,
        )
    return checkov


def offline_prefix() -> list[str]:
    """`unshare -n` runs Checkov without a network, as CI without egress would; skipped when denied."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


@dataclass
class Runs:
    walls: list[float] = field(default_factory=list)
    peaks: list[int] = field(default_factory=list)
    timings: list[dict[str, float]] = field(default_factory=list)

    def add(self, m: Measured) -> None:
        self.walls.append(m.wall)
        self.peaks.append(m.peak_bytes)


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def _spread(values: Sequence[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f}"


def run_preflight(project: Path, pack: Path, env: dict[str, str], runs: Runs) -> None:
    with tempfile.NamedTemporaryFile(suffix=".json") as timings:
        child = REPO / "bench" / "preflight_child.py"
        m = measure([sys.executable, str(child), str(project), str(pack), timings.name], env=env)
        if m.returncode != 0:
            raise SystemExit(f"preflight exited with {m.returncode} on {project}")
        runs.add(m)
        runs.timings.append(json.loads(Path(timings.name).read_text()))


def run_checkov(checkov: list[str], hcl: Path, runs: Runs) -> None:
    m = measure([*checkov, "-d", str(hcl), "--framework", "terraform", "--skip-download", "--quiet"])
    # Checkov exits 1 when a check fails; anything else is a failure of the run itself.
    if m.returncode not in (0, 1):
        raise SystemExit(f"checkov exited with {m.returncode} on {hcl}")
    runs.add(m)


HEADER = (
    f"{'tenants':>7} {'resources':>9} | {'preflight s':>11} {'spread':>11} | {'checkov s':>9} "
    f"{'spread':>11} | {'ratio':>5} | {'pf MB':>6} {'ck MB':>6} | {'program':>7} {'policies':>8} "
    f"{'overlap':>7} | {'pf ms/res':>9} {'ck ms/res':>9} | findings"
)


def row(tenants: int, pf: Runs, ck: Runs) -> str:
    resources = tenants * RESOURCES_PER_TENANT
    pf_wall, ck_wall = _median(pf.walls), _median(ck.walls)
    split = {k: _median([t.get(k, 0.0) for t in pf.timings]) for k in ("program", "policy", "overlap")}
    return (
        f"{tenants:>7} {resources:>9} | {pf_wall:>11.2f} {_spread(pf.walls):>11} | {ck_wall:>9.2f} "
        f"{_spread(ck.walls):>11} | {pf_wall / ck_wall:>5.2f} | {_median(pf.peaks) / _MB:>6.0f} "
        f"{_median(ck.peaks) / _MB:>6.0f} | {split['program']:>7.2f} {split['policy']:>8.2f} "
        f"{split['overlap']:>7.2f} | {pf_wall / resources * 1000:>9.2f} {ck_wall / resources * 1000:>9.2f} | "
        f"{int(pf.timings[-1].get('violations', 0))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tenants", type=int, nargs="+", default=[1, 10, 100, 300, 1000])
    parser.add_argument("--runs", type=int, default=3, help="runs of each tool per size (default 3)")
    parser.add_argument("--policy-pack", type=Path, default=REPO / "policies")
    parser.add_argument("--checkov-venv", type=Path, default=REPO / ".checkov-venv")
    args = parser.parse_args()
    if args.runs < 1 or any(t < 1 for t in args.tenants):
        parser.error("--runs and every --tenants value must be at least 1")

    checkov = [*offline_prefix(), str(ensure_checkov(args.checkov_venv))]
    version = subprocess.run([checkov[-1], "--version"], capture_output=True, text=True).stdout.strip()
    pack = args.policy_pack.resolve()
    # The program must not pick up a real cloud from the environment (openstack.Provider reads OS_*).
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    print(f"preflight vs Checkov {version} ({'offline' if len(checkov) > 1 else 'NETWORK ALLOWED'}), "
          f"pack {pack}, {args.runs} runs each, alternating")
    print(f"machine: {os.cpu_count()} CPUs, load average at start {os.getloadavg()[0]:.2f}")
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        warm = Path(tmp) / "warm"
        write_pulumi_project(warm / "pulumi", 1)
        write_terraform(warm / "hcl", 1)
        # One untimed run of each, so that neither pays for compiling its bytecode in the figures.
        run_preflight(warm / "pulumi", pack, env, Runs())
        run_checkov(checkov, warm / "hcl", Runs())
        for tenants in args.tenants:
            root = Path(tmp) / str(tenants)
            write_pulumi_project(root / "pulumi", tenants)
            write_terraform(root / "hcl", tenants)
            pf, ck = Runs(), Runs()
            for i in range(args.runs):
                if i % 2 == 0:
                    run_preflight(root / "pulumi", pack, env, pf)
                    run_checkov(checkov, root / "hcl", ck)
                else:
                    run_checkov(checkov, root / "hcl", ck)
                    run_preflight(root / "pulumi", pack, env, pf)
            print(row(tenants, pf, ck), flush=True)
            shutil.rmtree(root)
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    print(
        "seconds: medians of whole-process wall times (spread: min-max); ratio: preflight/Checkov; "
        "MB: median peak resident memory of the process tree (preflight: with its pack); "
        "program/policies: preflight's own split (program run incl. imports; pack connection to the "
        "last answer), overlap: the time both ran at once; ms/res: median wall per resource."
    )


if __name__ == "__main__":
    main()
