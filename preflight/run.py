"""One preflight run: for each stack, the program under the recording engine and the pack over gRPC."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, suppressions
from .errors import PreflightError, UsageError
from .model import Location, PolicyInfo, Report, Resource, StackError, StackResult, Suppression, Violation
from .opaque_components import opaque_component_findings
from .process import PackProcess, PackProject, load_pack_project
from .project import SECRET_PLACEHOLDER, Project, StackConfig, load_project, load_stack_config
from .wire import SECRET_SIG_KEY, SIGNATURES

if TYPE_CHECKING:
    from .pack import PackInfo, PackSession
    from .recorder import Registration

# Heavy modules (pulumi, grpc, the program's own) are imported only once the pack process has
# been started, so that its start-up overlaps ours.

STACK_TYPE = "pulumi:pulumi:Stack"
REDACTED = "[secret]"
# Shorter values cannot be replaced without mangling the report; they are no real secrets either.
_MIN_SECRET = 4


@dataclass(frozen=True)
class Options:
    project_dir: Path
    stacks: tuple[str, ...] = ()
    all_stacks: bool = False
    policy_pack: Path | None = None
    policy_config: Path | None = None
    pack_start_timeout: float = 30.0
    rpc_timeout: float = 120.0


def repo_root(start: Path) -> Path:
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return start


def resolve_stacks(project: Project, options: Options) -> list[str]:
    if options.all_stacks:
        stacks = project.stacks()
        if not stacks:
            raise UsageError(f"no stack file (Pulumi.<stack>.yaml) in {project.stack_config_dir}")
        return stacks
    if options.stacks:
        for stack in options.stacks:
            project.stack_file(stack)
        return list(options.stacks)
    return [project.default_stack()]


class _Secrets:
    """Every secret string preflight knows of, so that none reaches a report."""

    def __init__(self) -> None:
        self.values: set[str] = set()

    def add_config(self, config: StackConfig) -> None:
        for key in config.secret_keys:
            value = config.values.get(key, "")
            if value and value != SECRET_PLACEHOLDER:
                self.values.add(value)

    def add_registrations(self, registrations: Iterable[Registration]) -> None:
        from google.protobuf import json_format

        for reg in registrations:
            self._walk(json_format.MessageToDict(reg.inputs), secret=False)
            self._walk(reg.outputs, secret=False)

    def _walk(self, value: Any, *, secret: bool) -> None:
        if isinstance(value, dict):
            inner = secret or value.get(SECRET_SIG_KEY) is not None
            for v in value.values():
                self._walk(v, secret=inner)
        elif isinstance(value, list):
            for v in value:
                self._walk(v, secret=secret)
        elif secret and isinstance(value, str) and len(value) >= _MIN_SECRET and value not in SIGNATURES:
            self.values.add(value)

    def scrub(self, text: str) -> str:
        for value in sorted(self.values, key=len, reverse=True):
            if value in text:
                text = text.replace(value, REDACTED)
        return text


def _policy_info(meta: Any) -> PolicyInfo:
    return PolicyInfo(
        name=meta.name,
        description=meta.description,
        enforcement=meta.enforcement,
        severity=meta.severity,
        kind=meta.kind,
        framework=meta.framework,
        remediation=meta.remediation,
        url=meta.url,
        tags=meta.tags,
        display_name=meta.display_name,
    )


class _Locator:
    def __init__(self, project: Project, root: Path) -> None:
        self.project = project
        self.root = root

    def at(self, path: Path, line: int) -> Location:
        path = path.resolve()
        rel = path.relative_to(self.project.dir) if path.is_relative_to(self.project.dir) else path
        repo = path.relative_to(self.root) if path.is_relative_to(self.root) else path
        return Location(rel.as_posix(), repo.as_posix(), max(line, 1))

    def config_line(self, stack_file: Path, prefix: str | None = None) -> Location:
        """The stack file, at the first key of a package's config when there is one."""
        line = 1
        if prefix:
            try:
                for number, text in enumerate(stack_file.read_text(encoding="utf-8").splitlines(), 1):
                    if text.strip().startswith(prefix):
                        line = number
                        break
            except OSError:
                pass
        return self.at(stack_file, line)


def _run_one(
    project: Project,
    stack: str,
    pack: PackProject,
    options: Options,
    locator: _Locator,
    secrets: _Secrets,
    report: Report,
) -> StackResult:
    config = load_stack_config(project, stack)
    secrets.add_config(config)
    started = time.perf_counter()
    process = PackProcess(pack, project=project.name, stack=stack, config=config.values)
    try:
        return _analyze_stack(project, config, process, started, options, locator, secrets, report)
    finally:
        process.close()


def _analyze_stack(
    project: Project,
    config: StackConfig,
    process: PackProcess,
    started: float,
    options: Options,
    locator: _Locator,
    secrets: _Secrets,
    report: Report,
) -> StackResult:
    from .engine import with_engine_additions
    from .pack import LEVELS, SEVERITIES, PackSession, read_policy_config, reconcile_policy_config
    from .program import run_stack

    stack = config.stack
    pack = process.pack
    result = StackResult(stack=stack, stack_file=locator.at(config.file, 1).path)
    config_path = options.policy_config
    if config_path is None:
        candidate = project.stack_config_dir / f"{stack}.policy.json"
        config_path = candidate if candidate.is_file() else None
    elif not config_path.is_file():
        raise UsageError(f"policy config {config_path} does not exist")
    given = read_policy_config(config_path) if config_path else {}
    source = (
        f"policy config {locator.at(config_path, 1).path}" if config_path else "the pack's default config"
    )
    if config_path:
        result.policy_config = locator.at(config_path, 1).path

    registrations = run_stack(project, config)
    program_done = time.perf_counter()
    result.timings["program"] = program_done - started
    registrations = with_engine_additions(registrations, config, project.name)
    secrets.add_registrations(registrations)

    port = process.wait_port(options.pack_start_timeout)
    ready = time.perf_counter()
    result.timings["pack_start_wait"] = ready - program_done
    session = PackSession(process, port, rpc_timeout=options.rpc_timeout)
    try:
        session.handshake(project.name, stack, config.values, config.secret_keys)
        info = session.info(pack.version, pack.description)
        levels = reconcile_policy_config(info, given, source)
        session.configure(levels)
        result.policies = {name: level for name, (level, _) in sorted(levels.items())}
        if not report.pack_name:
            report.pack_name, report.pack_version = info.name, info.version
            report.policies = {n: _policy_info(m) for n, m in info.policies.items()}
        findings = _analyze(session, registrations, info, stack)
    finally:
        session.close()
    result.timings["policy"] = time.perf_counter() - ready

    by_urn = {r.urn: r for r in registrations}
    root = next((r for r in registrations if r.type == STACK_TYPE), None)

    def where(reg: Registration | None) -> Location | None:
        if reg is None or reg.type == STACK_TYPE:
            return locator.config_line(config.file)
        if reg.source is not None:
            return locator.at(reg.source.path, reg.source.line)
        if reg.is_provider:
            return locator.config_line(config.file, f"{reg.type.rsplit(':', 1)[1]}:")
        return None

    # A name or URN can carry a secret the program interpolated into it; scrub them like messages.
    result.resources = [
        Resource(secrets.scrub(r.urn), r.type, secrets.scrub(r.name), r.custom, where(r))
        for r in registrations
    ]
    gone = suppressions.expired(findings)
    if gone:
        config_name = result.policy_config or "the policy config"
        more = f" (and {len(gone) - 1} more)" if len(gone) > 1 else ""
        raise UsageError(f"stack '{stack}': {config_name}: {gone[0]}{more}")
    diags, applied = suppressions.split(findings, info.name)

    def violation(
        phase: str, urn: str, diag: Any, policy: str, message: str, level: str, sup: Suppression | None
    ) -> Violation:
        reg = by_urn.get(urn) or (root if not urn else None)
        meta = info.policies.get(policy)
        return Violation(
            stack=stack,
            policy=policy,
            pack=diag.policyPackName or info.name,
            pack_version=info.version or diag.policyPackVersion,
            enforcement=level,
            severity=(SEVERITIES.get(diag.severity, "") if policy == diag.policyName else "")
            or (meta.severity if meta else ""),
            message=secrets.scrub(message),
            description=(meta.description if meta else "") or diag.description,
            urn=secrets.scrub(reg.urn if reg else urn),
            resource_type=reg.type if reg else "",
            resource_name=secrets.scrub(reg.name) if reg else "",
            location=where(reg),
            framework=meta.framework if meta else None,
            remediation=meta.remediation if meta else "",
            url=meta.url if meta else "",
            tags=meta.tags if meta else (),
            phase=phase,
            suppression=sup,
        )

    for phase, urn, diag in diags:
        level = LEVELS.get(diag.enforcementLevel, "advisory")
        result.violations.append(violation(phase, urn, diag, diag.policyName, diag.message, level, None))
    for record, (phase, urn, diag) in applied:
        policy = record["policy"]
        target = str(record.get("urn") or urn)
        level = result.policies.get(policy, "mandatory")
        message = str(record.get("message") or diag.message)
        sup = suppressions.suppression(record)
        result.violations.append(violation(phase, target, diag, policy, message, level, sup))
    # Components whose objects the pack never saw offline are findings too (opaque_components.py).
    opaque = opaque_component_findings(stack, registrations, where, __version__, secrets.scrub)
    result.violations.extend(opaque)
    result.flow_matrix = _component_table(registrations, "flow_matrix", secrets)
    result.key_custody = _component_table(registrations, "key_custody", secrets)
    return result


def _analyze(
    session: PackSession, registrations: list[Registration], info: PackInfo, stack: str
) -> list[tuple[str, str, Any]]:
    """Every diagnostic as (phase, URN it concerns, diagnostic)."""
    from .engine import analyze_requests, analyze_stack_request

    found: list[tuple[str, str, Any]] = []
    for request, response in session.analyze_all(analyze_requests(registrations)):
        for diag in response.diagnostics:
            found.append(("resource", diag.urn or request.urn, diag))
    response = session.analyze_stack(analyze_stack_request(registrations))
    for diag in response.diagnostics:
        found.append(("stack", diag.urn, diag))
    return found


def _component_table(
    registrations: list[Registration], output: str, secrets: _Secrets
) -> list[dict[str, Any]] | None:
    """A table (list of rows) that a component registered as an output, e.g. `flow_matrix`.

    Cells are cleaned as messages are: a secret-wrapped value becomes the redaction mark, every
    string is scrubbed, and integral doubles (numbers cross the wire as doubles) become integers.
    """
    for reg in registrations:
        if reg.custom:
            continue
        rows = reg.outputs.get(output)
        if isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows):
            return [{str(k): _clean_cell(v, secrets) for k, v in row.items()} for row in rows]
    return None


def _clean_cell(value: Any, secrets: _Secrets) -> Any:
    if isinstance(value, dict):
        if SECRET_SIG_KEY in value:
            return REDACTED
        return {str(k): _clean_cell(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_cell(v, secrets) for v in value]
    if isinstance(value, str):
        return secrets.scrub(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def run(options: Options) -> Report:
    """Run every requested stack; a stack's failure is recorded in its result, never raised."""
    project = load_project(options.project_dir)
    pack = load_pack_project(options.policy_pack or project.dir / "policies")
    stacks = resolve_stacks(project, options)
    root = repo_root(project.dir)
    locator = _Locator(project, root)
    report = Report(
        tool_version=__version__,
        project=project.name,
        project_dir=locator.at(project.dir, 1).repo_path if project.dir != root else ".",
        pack_dir=locator.at(pack.dir, 1).repo_path if pack.dir.is_relative_to(root) else str(pack.dir),
    )
    secrets = _Secrets()
    for stack in stacks:
        try:
            report.stacks.append(_run_one(project, stack, pack, options, locator, secrets, report))
        except PreflightError as err:
            kind = "usage" if isinstance(err, UsageError) else "crash"
            error = StackError(kind, secrets.scrub(err.message), secrets.scrub(err.detail))
            report.stacks.append(StackResult(stack=stack, stack_file="", error=error))
    return report
