"""The analyzer protocol, spoken to a running pack as the engine speaks it, and the policy config
the engine would send it."""

from __future__ import annotations

import collections
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from .courier import MAX_RECEIVE, WINDOW, failure_text
from .model import PolicyInfo
from .process import NO_ENGINE_ADDRESS, PackProcess

LEVELS: dict[int, str] = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.DISABLED: "disabled",
    analyzer_pb2.REMEDIATE: "remediate",
}
LEVEL_CODES = {v: k for k, v in LEVELS.items()}
SEVERITIES: dict[int, str] = {
    analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED: "",
    analyzer_pb2.POLICY_SEVERITY_LOW: "low",
    analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
    analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
    analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical",
}
_GRPC_OPTIONS = [("grpc.max_receive_message_length", MAX_RECEIVE)]
_ANALYZE_STACK = "/{}/AnalyzeStack".format(analyzer_pb2.DESCRIPTOR.services_by_name["Analyzer"].full_name)


@dataclass(frozen=True)
class PackInfo:
    name: str
    version: str
    description: str
    supports_config: bool
    policies: dict[str, PolicyInfo]
    initial_config: dict[str, tuple[str | None, dict[str, Any]]]


def _policy_info(p: analyzer_pb2.PolicyInfo) -> PolicyInfo:
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
    return PolicyInfo(
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
            details = (err.details() if hasattr(err, "details") else "") or ""
            failure = failure_text(details, str(code))
            raise self.process.failure(f"the policy pack failed in {what}: {failure}") from None

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
        policies = {p.name: _policy_info(p) for p in sorted(resp.policies, key=lambda p: p.name)}
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
        self, requests: list[analyzer_pb2.AnalyzeRequest], window: int = WINDOW
    ) -> Iterator[tuple[analyzer_pb2.AnalyzeRequest, analyzer_pb2.AnalyzeResponse]]:
        """Analyze every resource, several calls in flight; answers come back in request order."""
        pending: collections.deque[tuple[analyzer_pb2.AnalyzeRequest, Any]] = collections.deque()

        def settle() -> tuple[analyzer_pb2.AnalyzeRequest, analyzer_pb2.AnalyzeResponse]:
            request, future = pending.popleft()
            try:
                return request, future.result()
            except grpc.RpcError as err:
                raise self.process.failure(self.analyze_failure(request, err)) from None

        for request in requests:
            pending.append((request, self.analyze_future(request)))
            if len(pending) >= window:
                yield settle()
        while pending:
            yield settle()

    def analyze_future(self, request: analyzer_pb2.AnalyzeRequest) -> Any:
        """One Analyze call in flight; its result() answers or raises grpc.RpcError."""
        return self.stub.Analyze.future(request, timeout=self.rpc_timeout)

    @staticmethod
    def analyze_failure(request: analyzer_pb2.AnalyzeRequest, err: grpc.RpcError) -> str:
        """What to say when the pack failed to analyze a resource."""
        details = (err.details() if hasattr(err, "details") else "") or ""
        return PackSession.analyze_failure_message(request.urn, failure_text(details, str(err.code())))

    @staticmethod
    def analyze_failure_message(urn: str, failure: str) -> str:
        return f"the policy pack failed in Analyze of {urn}: {failure}"

    def analyze_stack(self, request: bytes) -> analyzer_pb2.AnalyzeResponse:
        """AnalyzeStack with the request already serialized (engine.serialized_stack_request)."""
        answer = analyzer_pb2.AnalyzeResponse.FromString
        call = self.channel.unary_unary(_ANALYZE_STACK, request_serializer=None, response_deserializer=answer)
        response = self._call("AnalyzeStack", call, request, optional=True)
        return response or analyzer_pb2.AnalyzeResponse()


def struct(value: Mapping[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(dict(value))
    return s
