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

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PACK = REPO / "policies"

PROGRAM = '''"""Synthetic tenants: a network, its security, a server, storage and a secret each."""

import pulumi
import pulumi_openstack as openstack

config = pulumi.Config()
for t in range(config.require_int("tenants")):
    n = f"t{t:03d}"
    net = openstack.networking.Network(f"{n}-net", admin_state_up=True, tags=[f"tenant:{n}"])
    subnet = openstack.networking.Subnet(
        f"{n}-subnet", network_id=net.id, cidr=f"10.{t // 250}.{t % 250}.0/24", ip_version=4
    )
    router = openstack.networking.Router(f"{n}-router", external_network_id="ext-net")
    openstack.networking.RouterInterface(f"{n}-if", router_id=router.id, subnet_id=subnet.id)
    sg = openstack.networking.SecGroup(f"{n}-sg", description=f"tenant {n}", delete_default_rules=True)
    rules = ((443, "0.0.0.0/0"), (22, "203.0.113.0/24"), (5432, "10.0.0.0/8"), (8443, "10.0.0.0/8"))
    for port, source in rules:
        openstack.networking.SecGroupRule(
            f"{n}-in-{port}",
            direction="ingress",
            ethertype="IPv4",
            protocol="tcp",
            port_range_min=port,
            port_range_max=port,
            remote_ip_prefix=source,
            security_group_id=sg.id,
        )
    port_ = openstack.networking.Port(f"{n}-port", network_id=net.id, security_group_ids=[sg.id])
    openstack.compute.Instance(
        f"{n}-vm", flavor_name="b3-8", image_name="debian-12", networks=[{"port": port_.id}]
    )
    openstack.blockstorage.Volume(f"{n}-data", size=100, volume_type="encrypted")
    openstack.compute.Keypair(f"{n}-key", public_key="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBench b@example")
    openstack.keymanager.SecretV1(
        f"{n}-secret", payload=pulumi.Output.secret(f"s3cr3t-{n}"), payload_content_type="text/plain"
    )
    openstack.objectstorage.Container(f"{n}-bucket", versioning=True)
'''


def generate(root: Path, tenants: int) -> None:
    (root / "stacks").mkdir(parents=True, exist_ok=True)
    (root / "Pulumi.yaml").write_text("name: bench\nruntime: python\nstackConfigDir: stacks\n")
    (root / "__main__.py").write_text(PROGRAM)
    (root / "stacks" / "Pulumi.bench.yaml").write_text(
        f"config:\n  openstack:region: GRA11\n  bench:tenants: {tenants}\n"
    )


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
            generate(Path(tmp), tenants)
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
