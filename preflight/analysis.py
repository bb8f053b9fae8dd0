"""The pack's verdict on one stack: configured as the engine configures it, then Analyze for every
registration and AnalyzeStack once, each diagnostic kept with the phase and URN it concerns.

Imported only once the pack process has been started (it loads grpc), so that the pack's start-up
overlaps the program's run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .engine import analyze_requests, serialized_stack_request
from .findings import Finding, findings
from .pack import PackInfo, PackSession
from .pack_config import read_policy_config, reconcile_policy_config
from .process import PackProcess
from .registration import Registration
from .secure_config import RawStackConfig


@dataclass(frozen=True)
class PolicyConfig:
    """The user's policy config for one stack, and how to name it in an error."""

    given: Mapping[str, tuple[str | None, dict[str, Any]]]
    source: str


def read_stack_policy_config(path: Path | None, shown_as: str | None) -> PolicyConfig:
    """The policy config file (`shown_as` is its path in reports), or none: the pack's defaults."""
    if path is None:
        return PolicyConfig({}, "the pack's default config")
    return PolicyConfig(read_policy_config(path), f"policy config {shown_as}")


@dataclass(frozen=True)
class PackVerdict:
    info: PackInfo
    levels: dict[str, str]
    """Each policy's enforcement level in force for this stack, by name."""
    findings: list[Finding]


def check_with_pack(
    process: PackProcess,
    port: int,
    config: RawStackConfig,
    policy_config: PolicyConfig,
    registrations: list[Registration],
    *,
    project: str,
    rpc_timeout: float,
) -> PackVerdict:
    """Speak the analyzer protocol to a started pack, in the engine's order."""
    session = PackSession(process, port, rpc_timeout=rpc_timeout)
    try:
        session.handshake(project, config.stack, config.values, config.secret_keys)
        info = session.info(process.pack.version, process.pack.description)
        levels = reconcile_policy_config(info, policy_config.given, policy_config.source)
        session.configure(levels)
        findings = _diagnostics(session, registrations)
    finally:
        session.close()
    return PackVerdict(info, {name: level for name, (level, _) in sorted(levels.items())}, findings)


def _diagnostics(session: PackSession, registrations: list[Registration]) -> list[Finding]:
    found: list[Finding] = []
    for request, response in session.analyze_all(analyze_requests(registrations)):
        found += findings("resource", request.urn, response)
    return found + findings("stack", "", session.analyze_stack(serialized_stack_request(registrations)))
