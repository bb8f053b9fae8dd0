"""The policy pack, started as the Pulumi CLI starts it, and spoken to over the analyzer protocol.

The CLI runs a Python pack as `python -u -m pulumi.policy <engine-address> .` with the pack
directory as cwd (the interpreter comes from the `virtualenv` runtime option of PulumiPolicy.yaml)
and with PULUMI_CONFIG, PULUMI_PROJECT, PULUMI_STACK and PULUMI_DRY_RUN in the environment. The pack
prints its port on the first line of stdout and serves gRPC on 127.0.0.1. `pulumi.policy` parses the
engine address but never dials it (pulumi.policy.__main__ in pulumi 3.272): there is no engine
here, so preflight passes an address nobody listens on.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import grpc
import jsonschema
import yaml
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from .errors import CrashError, UsageError

NO_ENGINE_ADDRESS = "127.0.0.1:0"
LEVELS = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.DISABLED: "disabled",
    analyzer_pb2.REMEDIATE: "remediate",
}
LEVEL_CODES = {v: k for k, v in LEVELS.items()}
SEVERITIES = {
    analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED: "",
    analyzer_pb2.POLICY_SEVERITY_LOW: "low",
    analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
    analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
    analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical",
}
_GRPC_OPTIONS = [("grpc.max_receive_message_length", 400 * 1024 * 1024)]
_TAIL_LINES = 30


@dataclass(frozen=True)
class PolicyMeta:
    """What GetAnalyzerInfo says about one policy."""

    name: str
    description: str
    enforcement: str
    """The pack's own level; the level in force for a stack is in PackSession.levels."""
    severity: str
    kind: str
    """"resource" or "stack"."""
    display_name: str = ""
    framework: dict[str, str] | None = None
    tags: tuple[str, ...] = ()
    remediation: str = ""
    url: str = ""
    config_schema: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PackInfo:
    name: str
    version: str
    description: str
    supports_config: bool
    policies: dict[str, PolicyMeta]
    initial_config: dict[str, tuple[str | None, dict[str, Any]]]


@dataclass(frozen=True)
class PackProject:
    """The pack directory and what its PulumiPolicy.yaml says."""

    dir: Path
    version: str
    description: str
    interpreter: str


def load_pack_project(pack_dir: Path) -> PackProject:
    pack_dir = pack_dir.resolve()
    manifest = pack_dir / "PulumiPolicy.yaml"
    if not manifest.is_file():
        raise UsageError(
            f"no PulumiPolicy.yaml in {pack_dir}: pass --policy-pack with a policy pack directory"
        )
    try:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError:
        raise UsageError(f"{manifest} is not valid YAML") from None
    if not isinstance(data, dict):
        raise UsageError(f"{manifest} must be a YAML mapping")
    runtime = data.get("runtime")
    name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if name != "python":
        raise UsageError(f"{manifest}: runtime is {name!r}; preflight starts Python policy packs only")
    options = runtime.get("options") or {} if isinstance(runtime, dict) else {}
    interpreter = sys.executable
    venv = options.get("virtualenv") if isinstance(options, dict) else None
    if isinstance(venv, str) and venv:
        venv_dir = Path(venv) if Path(venv).is_absolute() else pack_dir / venv
        for candidate in (venv_dir / "bin" / "python", venv_dir / "Scripts" / "python.exe"):
            if candidate.is_file():
                interpreter = str(candidate)
                break
    return PackProject(
        pack_dir, str(data.get("version") or ""), str(data.get("description") or ""), interpreter
    )


def _drain(stream: IO[bytes], sink: collections.deque[str], first: queue.Queue[str] | None) -> None:
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace").rstrip("\n")
        if first is not None:
            first.put(line)
            first = None
        else:
            sink.append(line)
    if first is not None:
        first.put("")


class PackProcess:
    """One running pack; always terminated on close(), whatever happened."""

    def __init__(self, pack: PackProject, *, project: str, stack: str, config: Mapping[str, str]) -> None:
        self.pack = pack
        env = dict(os.environ)
        env.update(
            {
                "PULUMI_PROJECT": project,
                "PULUMI_STACK": stack,
                "PULUMI_DRY_RUN": "true",
            }
        )
        if config:
            env["PULUMI_CONFIG"] = json.dumps(dict(config), sort_keys=True)
        else:
            env.pop("PULUMI_CONFIG", None)
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=_TAIL_LINES)
        self._stdout_rest: collections.deque[str] = collections.deque(maxlen=_TAIL_LINES)
        self._first_line: queue.Queue[str] = queue.Queue(maxsize=1)
        try:
            self.proc = subprocess.Popen(
                [pack.interpreter, "-u", "-m", "pulumi.policy", NO_ENGINE_ADDRESS, "."],
                cwd=pack.dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError as err:
            raise CrashError(
                f"cannot start the policy pack with {pack.interpreter}: {err.strerror}"
            ) from None
        assert self.proc.stdout is not None and self.proc.stderr is not None
        for stream, sink, first in (
            (self.proc.stdout, self._stdout_rest, self._first_line),
            (self.proc.stderr, self.stderr_tail, None),
        ):
            threading.Thread(target=_drain, args=(stream, sink, first), daemon=True).start()

    def wait_port(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._first_line.get(timeout=0.02)
                break
            except queue.Empty:
                if time.monotonic() > deadline:
                    raise self.failure(f"the policy pack printed no port within {timeout:g} s") from None
        if not line.strip().isdigit():
            if self.proc.poll() is not None or not line:
                self._settle()
                raise self.failure(f"the policy pack exited with code {self.proc.poll()} before serving")
            raise self.failure(f"the policy pack printed {line[:80]!r} where its port was expected")
        return int(line.strip())

    def _settle(self) -> None:
        # Let the drain threads catch the last stderr lines of a process that just exited.
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=1)
        time.sleep(0.05)

    def failure(self, message: str) -> CrashError:
        tail = "\n".join(self.stderr_tail).strip()
        if tail:
            last = [line for line in self.stderr_tail if line.strip()][-1].strip()
            message = f"{message}; its stderr ends: {last[:300]}"
        return CrashError(message, detail=tail)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


def _meta(p: analyzer_pb2.PolicyInfo) -> PolicyMeta:
    framework = None
    if p.HasField("framework"):
        framework = {
            k: v
            for k, v in (
                ("name", p.framework.name),
                ("version", p.framework.version),
                ("reference", p.framework.reference),
                ("specification", p.framework.specification),
            )
            if v
        }
    schema: dict[str, Any] = {}
    if p.HasField("configSchema"):
        schema = {
            "properties": json_format.MessageToDict(p.configSchema.properties),
            "required": list(p.configSchema.required),
        }
    kind = {analyzer_pb2.POLICY_TYPE_RESOURCE: "resource", analyzer_pb2.POLICY_TYPE_STACK: "stack"}
    return PolicyMeta(
        name=p.name,
        description=p.description,
        enforcement=LEVELS.get(p.enforcementLevel, "advisory"),
        severity=SEVERITIES.get(p.severity, ""),
        kind=kind.get(p.policy_type, "unknown"),
        display_name=p.displayName,
        framework=framework or None,
        tags=tuple(p.tags),
        remediation=p.remediation_steps,
        url=p.url,
        config_schema=schema,
    )


class PackSession:
    """A connected pack: analyzer info, the configuration in force, and the analysis calls."""

    def __init__(self, process: PackProcess, port: int, *, rpc_timeout: float) -> None:
        self.process = process
        self.rpc_timeout = rpc_timeout
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=_GRPC_OPTIONS)
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        self.levels: dict[str, str] = {}

    def close(self) -> None:
        self.channel.close()

    def _call(self, what: str, method: Any, request: Any, *, optional: bool = False) -> Any:
        try:
            return method(request, timeout=self.rpc_timeout)
        except grpc.RpcError as err:
            code = err.code() if hasattr(err, "code") else None
            if optional and code == grpc.StatusCode.UNIMPLEMENTED:
                return None
            details = (err.details() if hasattr(err, "details") else "") or str(code)
            first = details.strip().splitlines()[-1] if details.strip() else str(code)
            raise self.process.failure(f"the policy pack failed in {what}: {first[:300]}") from None

    def handshake(
        self, project: str, stack: str, config: Mapping[str, str], secret_keys: Iterable[str]
    ) -> None:
        """What the engine sends before anything else; the Python SDK leaves both unimplemented."""
        pack_dir = str(self.process.pack.dir)
        self._call(
            "Handshake",
            self.stub.Handshake,
            analyzer_pb2.AnalyzerHandshakeRequest(
                engine_address=NO_ENGINE_ADDRESS, root_directory=pack_dir, program_directory=pack_dir
            ),
            optional=True,
        )
        self._call(
            "ConfigureStack",
            self.stub.ConfigureStack,
            analyzer_pb2.AnalyzerStackConfigureRequest(
                stack=stack,
                project=project,
                organization="organization",
                dry_run=True,
                config=dict(config),
                config_secret_keys=list(secret_keys),
            ),
            optional=True,
        )

    def info(self, pack_version: str, pack_description: str) -> PackInfo:
        self._call("GetPluginInfo", self.stub.GetPluginInfo, empty_pb2.Empty(), optional=True)
        resp = self._call("GetAnalyzerInfo", self.stub.GetAnalyzerInfo, empty_pb2.Empty())
        policies = {p.name: _meta(p) for p in sorted(resp.policies, key=lambda p: p.name)}
        initial: dict[str, tuple[str | None, dict[str, Any]]] = {}
        for name, cfg in resp.initialConfig.items():
            initial[name] = (LEVELS.get(cfg.enforcementLevel), json_format.MessageToDict(cfg.properties))
        # As the CLI does: the version in PulumiPolicy.yaml wins over the one the SDK reports.
        return PackInfo(
            name=resp.name,
            version=pack_version or resp.version,
            description=resp.description or pack_description,
            supports_config=resp.supportsConfig,
            policies=policies,
            initial_config=initial,
        )

    def configure(self, config: Mapping[str, tuple[str, dict[str, Any]]]) -> None:
        self.levels = {name: level for name, (level, _) in config.items()}
        if not config:
            return
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, (level, props) in config.items():
            entry = request.policyConfig[name]
            entry.enforcementLevel = LEVEL_CODES[level]
            entry.properties.update(props)
        self._call("Configure", self.stub.Configure, request)

    def analyze_all(
        self, requests: list[analyzer_pb2.AnalyzeRequest], window: int = 32
    ) -> Iterator[tuple[analyzer_pb2.AnalyzeRequest, analyzer_pb2.AnalyzeResponse]]:
        """Analyze every resource, several calls in flight; answers come back in request order."""
        pending: collections.deque[tuple[analyzer_pb2.AnalyzeRequest, Any]] = collections.deque()

        def settle() -> tuple[analyzer_pb2.AnalyzeRequest, analyzer_pb2.AnalyzeResponse]:
            request, future = pending.popleft()
            try:
                return request, future.result()
            except grpc.RpcError as err:
                details = (err.details() if hasattr(err, "details") else "") or ""
                first = details.strip().splitlines()[-1] if details.strip() else str(err.code())
                raise self.process.failure(
                    f"the policy pack failed in Analyze of {request.urn}: {first[:300]}"
                ) from None

        for request in requests:
            pending.append((request, self.stub.Analyze.future(request, timeout=self.rpc_timeout)))
            if len(pending) >= window:
                yield settle()
        while pending:
            yield settle()

    def analyze_stack(self, request: analyzer_pb2.AnalyzeStackRequest) -> analyzer_pb2.AnalyzeResponse:
        response = self._call("AnalyzeStack", self.stub.AnalyzeStack, request, optional=True)
        return response or analyzer_pb2.AnalyzeResponse()


# Policy configuration, reconciled and validated the way the engine does it
# (pkg/resource/analyzer/config.go: defaults from each schema, then the pack's initial config,
# then the user's file, "all" first; every policy's properties validated against its schema
# with `enforcementLevel` added to it).

_ENFORCEMENT_SCHEMA = {"type": "string", "enum": ["advisory", "mandatory", "remediate", "disabled"]}


def read_policy_config(path: Path) -> dict[str, tuple[str | None, dict[str, Any]]]:
    """The user's policy config file: each policy to an optional level and its properties."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise UsageError(f"cannot read policy config {path}: {err.strerror}") from None
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise UsageError(f"policy config {path} is not valid JSON (line {err.lineno}): {err.msg}") from None
    if not isinstance(data, dict):
        raise UsageError(f"policy config {path} must be a JSON object of policy names")
    result: dict[str, tuple[str | None, dict[str, Any]]] = {}
    for name, value in data.items():
        if isinstance(value, str):
            if value not in LEVEL_CODES:
                raise UsageError(
                    f"policy config {path}: '{name}': {value!r} is not a valid enforcement level"
                )
            result[name] = (value, {})
        elif isinstance(value, dict):
            props = dict(value)
            level = props.pop("enforcementLevel", None)
            if level is not None and level not in LEVEL_CODES:
                raise UsageError(
                    f"policy config {path}: '{name}': {level!r} is not a valid enforcement level"
                )
            if level is not None or props:
                result[name] = (level, props)
        else:
            raise UsageError(f"policy config {path}: '{name}' must be an enforcement level or an object")
    return result


def reconcile_policy_config(
    info: PackInfo, given: Mapping[str, tuple[str | None, dict[str, Any]]], source: str
) -> dict[str, tuple[str, dict[str, Any]]]:
    """The configuration the engine would send in Configure, or a usage error naming what is wrong."""
    result: dict[str, tuple[str, dict[str, Any]]] = {}
    for policy in info.policies.values():
        defaults = {
            k: v["default"]
            for k, v in policy.config_schema.get("properties", {}).items()
            if isinstance(v, dict) and "default" in v
        }
        result[policy.name] = (policy.enforcement, defaults)

    def apply(layer: Mapping[str, tuple[str | None, dict[str, Any]]]) -> None:
        every = layer.get("all")
        if every and every[0]:
            for name, (_, props) in result.items():
                result[name] = (every[0], props)
        for name, (level, props) in layer.items():
            if name == "all":
                continue
            if name not in info.policies:
                raise UsageError(
                    f"{source}: '{name}' is not a policy of pack '{info.name}' "
                    f"(policies: {', '.join(info.policies)})"
                )
            old_level, old_props = result[name]
            result[name] = (level or old_level, {**old_props, **props})

    apply(info.initial_config)
    apply(given)
    problems: list[str] = []
    for name, (_, props) in result.items():
        schema_in = info.policies[name].config_schema
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {**schema_in.get("properties", {}), "enforcementLevel": _ENFORCEMENT_SCHEMA},
        }
        if schema_in.get("required"):
            schema["required"] = schema_in["required"]
        validator = jsonschema.Draft7Validator(schema)
        for error in sorted(validator.iter_errors(props), key=lambda e: list(e.absolute_path)):
            where = "/".join(str(p) for p in error.absolute_path)
            problems.append(f"{name}{'.' + where if where else ''}: {error.message}")
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise UsageError(f"{source} does not match the policy's config schema: {problems[0]}{more}")
    return result


def struct(value: Mapping[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(dict(value))
    return s
