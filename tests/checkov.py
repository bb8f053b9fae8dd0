"""Checkov as an independent oracle for Kubernetes manifests (shared/FACTS-kubernetes.md §5).

Checkov judges pod hardening only (privileged, host namespaces, capabilities, probes, limits...);
it has no rule for Pod Security Admission labels, registry allow-lists or Service exposure, so a
test uses it to confirm what the pack says about pod specs, never as the only judge of the rest.

Checkov lives in its own virtual environment, never in the project's requirements: `.ci/run` (and
`make checkov`) create `.checkov-venv/`; `SLZ_CHECKOV` may name another checkov executable. Where it
is missing, the tests that need it are skipped with the reason, and fail under SLZ_REQUIRE_TOOLS=1
(CI). It runs offline: `--skip-download` stops it fetching guidelines from Prisma Cloud, and
`unshare -n` (where the machine allows it) takes the network away in case a release forgets that.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.tools import REQUIRED

REPO = Path(__file__).resolve().parents[1]
ENV_VAR = "SLZ_CHECKOV"
DEFAULT_CHECKOV = REPO / ".checkov-venv" / "bin" / "checkov"
TIMEOUT_S = 300


def checkov_path() -> str | None:
    """The checkov executable: $SLZ_CHECKOV, else .checkov-venv/bin/checkov; None when neither."""
    named = os.environ.get(ENV_VAR)
    candidate = Path(named) if named else DEFAULT_CHECKOV
    return str(candidate) if candidate.is_file() and os.access(candidate, os.X_OK) else None


def checkov_available() -> bool:
    return checkov_path() is not None


def require_checkov() -> str:
    """The checkov path, or skip (locally) / fail (CI, SLZ_REQUIRE_TOOLS=1) saying how to get it."""
    found = checkov_path()
    if found:
        return found
    where = os.environ.get(ENV_VAR) or str(DEFAULT_CHECKOV)
    reason = (
        f"CHECKOV IS NOT INSTALLED ({where} missing): the independent Kubernetes check did not run. "
        f"Run `make checkov` (its own venv, .checkov-venv/) or set {ENV_VAR} to a checkov executable"
    )
    if REQUIRED:
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def checkov() -> str:
    """A test that takes this fixture needs Checkov (see require_checkov)."""
    return require_checkov()


def integral_ints(value: Any) -> Any:
    """The value with every integral float as an int: the engine sends 10001.0, and Checkov's
    CKV_K8S_40 (runAsUser >= 10000) only accepts an int, so wire-form YAML would fail it."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): integral_ints(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [integral_ints(v) for v in value]
    return value


def manifests_yaml(manifests: Sequence[Mapping[str, Any]]) -> str:
    """The manifests as one multi-document YAML text, integral floats written as integers."""
    return yaml.safe_dump_all([integral_ints(m) for m in manifests], sort_keys=False)


@dataclass
class CheckovResult:
    """Check ids per resource, keyed by Checkov's resource id (`Kind.namespace.name`)."""

    passed: dict[str, set[str]] = field(default_factory=dict)
    failed: dict[str, set[str]] = field(default_factory=dict)
    exit_code: int = 0

    def failed_ids(self, resource: str | None = None) -> set[str]:
        return _ids(self.failed, resource)

    def passed_ids(self, resource: str | None = None) -> set[str]:
        return _ids(self.passed, resource)

    def resource(self, kind: str, name: str) -> str:
        """The one resource id of that kind and name (whatever namespace Checkov gave it)."""
        found = [
            r for r in {*self.passed, *self.failed} if r.startswith(f"{kind}.") and r.endswith(f".{name}")
        ]
        if len(found) != 1:
            raise KeyError(f"{kind} {name}: Checkov reported {sorted({*self.passed, *self.failed})}")
        return found[0]


def _ids(by_resource: Mapping[str, set[str]], resource: str | None) -> set[str]:
    if resource is not None:
        return set(by_resource.get(resource, set()))
    return set().union(*by_resource.values()) if by_resource else set()


@cache
def _offline_prefix() -> tuple[str, ...]:
    """`unshare -n` when this machine lets us drop the network (root or user namespaces)."""
    unshare = shutil.which("unshare")
    if not unshare:
        return ()
    probe = subprocess.run([unshare, "-n", "true"], capture_output=True, check=False)
    return (unshare, "-n") if probe.returncode == 0 else ()


def run_checkov(manifests: Sequence[Mapping[str, Any]], checkov: str | None = None) -> CheckovResult:
    """Run Checkov's kubernetes framework offline on the manifests; skip/fail when it is missing."""
    exe = checkov or require_checkov()
    with tempfile.TemporaryDirectory(prefix="slz-checkov-") as tmp:
        path = Path(tmp) / "manifests.yaml"
        path.write_text(manifests_yaml(manifests), encoding="utf-8")
        cmd = [*_offline_prefix(), exe, "-f", str(path), "--framework", "kubernetes", "--skip-download"]
        cmd += ["-o", "json", "--compact"]
        env = {**os.environ, "BC_SKIP_MAPPING": "TRUE"}  # checkov/main.py: same as --skip-download
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, env=env, check=False)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"checkov exited {proc.returncode}: {proc.stderr[-2000:]}")
    return _parse(proc.stdout, proc.returncode)


def _parse(stdout: str, exit_code: int) -> CheckovResult:
    """Checkov prints one report (a dict), a list of reports, or an empty-summary dict."""
    data = json.loads(stdout) if stdout.strip() else {}
    reports = data if isinstance(data, list) else [data]
    result = CheckovResult(exit_code=exit_code)
    for report in reports:
        results = report.get("results", {}) if isinstance(report, Mapping) else {}
        for key, into in (("passed_checks", result.passed), ("failed_checks", result.failed)):
            for check in results.get(key, ()):
                into.setdefault(str(check["resource"]), set()).add(str(check["check_id"]))
    return result
