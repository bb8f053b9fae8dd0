"""The installable tool: build the wheel as `pip install .` would, install it apart from this
checkout, and run a scratch Pulumi project from its own directory with the installed pack."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# What the wheel must carry: every module of the tool's packages and the whole pack directory.
SHIPPED = {
    "preflight": "preflight",
    "statebackend": "statebackend",
    "s3hardening": "s3hardening",
    "review_tables": "review_tables",
    "components": "components",
    "policies/sovereign_guard": "sovereign_guard_pack/sovereign_guard",
}

SCRATCH_PROGRAM = """
import pulumi
import pulumi_openstack as openstack

sovereign = openstack.Provider("sovereign", auth_url="https://auth.cloud.ovh.net/v3", region="GRA11")
opts = pulumi.ResourceOptions(provider=sovereign)
group = openstack.networking.SecGroup("admin", description="administration hosts", opts=opts)
openstack.networking.SecGroupRule(
    "ssh-from-anywhere",
    security_group_id=group.id,
    direction="ingress",
    ethertype="IPv4",
    protocol="tcp",
    port_range_min=22,
    port_range_max=22,
    remote_ip_prefix="0.0.0.0/0",
    description="SSH for the operators, from anywhere",
    opts=opts,
)
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the checkout, installed into a folder of its own."""
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "venv", ".*-venv", "__pycache__", "build", "*.egg-info", "out"
        ),
    )
    wheels = work / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(source)], check=True
    )
    (wheel,) = wheels.glob("sovereign_landing_zone-*.whl")
    target = work / "site"
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True)
    return target


def _run_installed(target: Path, script: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """A console script of the install, run from `cwd` with only the install importable (it stands
    for site-packages; this checkout must not be)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "OS_"))}
    env["PYTHONPATH"] = str(target)
    return subprocess.run(
        [str(target / "bin" / script), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_wheel_carries_every_module_of_the_tool_and_the_pack(installed: Path) -> None:
    for source, shipped in SHIPPED.items():
        expected = {p.relative_to(REPO / source) for p in (REPO / source).rglob("*.py")}
        found = {p.relative_to(installed / shipped) for p in (installed / shipped).rglob("*.py")}
        assert expected - found == set(), f"{source} modules missing from the wheel"
    pack = installed / "sovereign_guard_pack"
    # The pack directory as `pulumi policy publish` and preflight expect it.
    for name in ("PulumiPolicy.yaml", "__main__.py", "requirements.txt", "sovereign_guard/data"):
        assert (pack / name).exists(), name
    assert (pack / "sovereign_guard" / "data" / "catalogue.yaml").is_file()


def test_sovereign_preflight_checks_a_scratch_project_with_the_installed_pack(
    installed: Path, tmp_path: Path
) -> None:
    project = tmp_path / "scratch"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: scratch\nruntime: python\n")
    (project / "Pulumi.dev.yaml").write_text("config: {}\n")
    (project / "__main__.py").write_text(SCRATCH_PROGRAM)

    run = _run_installed(installed, "sovereign-preflight", ["--stack", "dev", "--format", "json"], project)

    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    assert Path(report["policyPack"]["dir"]) == (installed / "sovereign_guard_pack").resolve()
    assert report["project"]["name"] == "scratch"
    violations = [v for s in report["stacks"] for v in s["violations"]]
    ssh = [v for v in violations if v["policy"] == "network-admin-port-disallow-public-ingress"]
    assert ssh and ssh[0]["resource"]["name"] == "ssh-from-anywhere"
    rule_line = SCRATCH_PROGRAM.splitlines().index("openstack.networking.SecGroupRule(") + 1
    assert ssh[0]["location"] == {"path": "__main__.py", "repoPath": "__main__.py", "line": rule_line}


def test_sovereign_statebackend_runs_from_the_install(installed: Path, tmp_path: Path) -> None:
    args = ["audit", "--endpoint-url", "http://s3.example.com", "--bucket", "state"]
    run = _run_installed(installed, "sovereign-statebackend", args, tmp_path)
    # Plain http to a non-loopback host is refused as bad usage, before any request is made.
    assert run.returncode == 2, run.stderr
    assert "https" in run.stderr and "--endpoint-url" in run.stderr
