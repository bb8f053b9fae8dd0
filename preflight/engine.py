"""What the Pulumi engine adds between the program and the analyzer, rebuilt offline.

- Default providers: a custom resource registered without a provider gets the engine's default
  provider for its package and version, `pulumi:providers:<pkg>` named `default_<major>_<minor>_<patch>`
  (pkg/resource/deploy/providers: ProviderRequest.DefaultName), whose inputs are the stack's
  `<pkg>:*` config as strings plus `version`. The engine registers it before its first user, and
  analyzes it like any other resource.
- Provider resources get `version` (and `pluginDownloadURL`) added to their inputs, as the
  resource monitor does.
- AnalyzeRequest and AnalyzeStackRequest are built as pkg/resource/plugin/analyzer_plugin.go
  builds them: the provider of a resource travels with its type, name, URN and inputs.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable

from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2

from .registration import Registration, engine_urn
from .secure_config import RawStackConfig
from .wire import UNKNOWN

UNKNOWN_ID = UNKNOWN
"""The engine's sentinel for a value not known until the update (here: every id)."""
_NO_DEFAULT_PROVIDER = {"pulumi"}
"""Packages the engine serves itself (pulumi:pulumi:StackReference): no default provider."""
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def default_provider_name(version: str, download_url: str = "") -> str:
    """The engine's name for a package's default provider at a version."""
    name = "default"
    if version:
        core, _, build = version.partition("+")
        core, _, pre = core.partition("-")
        parts = [*core.split("."), "0", "0", "0"][:3]
        name += "_" + "_".join(str(int(p)) if p.isdigit() else p for p in parts)
        for extra in (pre, build):
            if extra:
                name += "".join(f"_{p}" for p in extra.split("."))
    if download_url:
        # tokens.IntoQName: characters a QName may not hold become underscores.
        name += "_" + re.sub(r"[^A-Za-z0-9_.]", "_", download_url)
    return name


def _provider_urn(ref: str) -> str:
    return ref.rsplit("::", 1)[0]


def _struct(value: dict[str, object]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(value)
    return s


class EngineView:
    """The registrations as the engine holds them, built one registration at a time, so that
    Analyze requests can be sent while the program still runs."""

    def __init__(self, config: RawStackConfig, project: str) -> None:
        self.config = config
        self.project = project
        self.by_urn: dict[str, Registration] = {}
        self._defaults: dict[tuple[str, str, str], Registration] = {}

    def add(self, reg: Registration) -> list[Registration]:
        """The registration as the engine holds it, preceded by its default provider when it is
        that provider's first user."""
        added: list[Registration] = []
        if reg.is_provider:
            inputs = reg.inputs
            if reg.version:
                inputs["version"] = reg.version
            if reg.plugin_download_url:
                inputs["pluginDownloadURL"] = reg.plugin_download_url
            reg = dataclasses.replace(reg, wire_inputs=inputs.SerializeToString())
        elif reg.custom and reg.provider is None and reg.package not in _NO_DEFAULT_PROVIDER:
            key = (reg.package, reg.version, reg.plugin_download_url)
            provider = self._defaults.get(key)
            if provider is None:
                provider = self._defaults[key] = self._default_provider(reg)
                added.append(provider)
            reg = dataclasses.replace(reg, provider=f"{provider.urn}::{UNKNOWN_ID}")
        added.append(reg)
        for r in added:
            self.by_urn[r.urn] = r
        return added

    def _default_provider(self, reg: Registration) -> Registration:
        name = default_provider_name(reg.version, reg.plugin_download_url)
        type_ = f"pulumi:providers:{reg.package}"
        inputs_map: dict[str, object] = dict(self.config.package(reg.package))
        if reg.version:
            inputs_map["version"] = reg.version
        if reg.plugin_download_url:
            inputs_map["pluginDownloadURL"] = reg.plugin_download_url
        return Registration(
            type=type_,
            name=name,
            urn=engine_urn(self.config.stack, self.project, "", type_, name),
            parent=None,
            custom=True,
            provider=None,
            wire_inputs=_struct(inputs_map).SerializeToString(),
            options={},
            source=None,
            id="",
            version=reg.version,
            plugin_download_url=reg.plugin_download_url,
        )

    def analyze_request(self, reg: Registration) -> analyzer_pb2.AnalyzeRequest:
        """The AnalyzeRequest of a registration already added (its provider was added before it)."""
        return _analyze_request(reg, self.by_urn)


def with_engine_additions(
    registrations: Iterable[Registration], config: RawStackConfig, project: str
) -> list[Registration]:
    """The registrations as the engine holds them: default providers in, provider inputs completed."""
    view = EngineView(config, project)
    return [added for reg in registrations for added in view.add(reg)]


def _seconds(duration: str) -> float:
    return sum(float(n) * _SECONDS[unit] for n, unit in _DURATION.findall(duration or ""))


def _options(reg: Registration) -> analyzer_pb2.AnalyzerResourceOptions:
    opts = reg.options
    dbr = opts.get("deleteBeforeReplace")
    timeouts = opts.get("customTimeouts") or {}
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=bool(opts.get("protect")),
        ignoreChanges=list(opts.get("ignoreChanges") or []),
        deleteBeforeReplace=bool(dbr),
        deleteBeforeReplaceDefined=dbr is not None,
        additionalSecretOutputs=list(opts.get("additionalSecretOutputs") or []),
        aliases=list(opts.get("aliases") or []),
        customTimeouts=analyzer_pb2.AnalyzerResourceOptions.CustomTimeouts(
            create=_seconds(timeouts.get("create", "")),
            update=_seconds(timeouts.get("update", "")),
            delete=_seconds(timeouts.get("delete", "")),
        ),
        parent=reg.parent or "",
    )


def _provider(
    reg: Registration, by_urn: dict[str, Registration]
) -> analyzer_pb2.AnalyzerProviderResource | None:
    if not reg.provider:
        return None
    provider = by_urn.get(_provider_urn(reg.provider))
    if provider is None:
        return None
    return _provider_message(provider.type, provider.name, provider.urn, provider.wire_inputs)


@functools.lru_cache(maxsize=64)
def _provider_message(
    type_: str, name: str, urn: str, wire_inputs: bytes
) -> analyzer_pb2.AnalyzerProviderResource:
    # Every resource of a provider carries it: built once, copied into each request.
    return analyzer_pb2.AnalyzerProviderResource(
        type=type_, name=name, urn=urn, properties=struct_pb2.Struct.FromString(wire_inputs)
    )


def _analyze_request(reg: Registration, by_urn: dict[str, Registration]) -> analyzer_pb2.AnalyzeRequest:
    return analyzer_pb2.AnalyzeRequest(
        type=reg.type,
        properties=reg.inputs,
        urn=reg.urn,
        name=reg.name,
        options=_options(reg),
        provider=_provider(reg, by_urn),
    )


def analyze_requests(registrations: list[Registration]) -> list[analyzer_pb2.AnalyzeRequest]:
    """One AnalyzeRequest per registration, in registration order."""
    by_urn = {r.urn: r for r in registrations}
    return [_analyze_request(r, by_urn) for r in registrations]


def _state(reg: Registration) -> struct_pb2.Struct:
    """A resource's outputs as a preview knows them: a component's registered outputs; a custom
    resource's inputs (its computed outputs are unknown, and unknown outputs are absent)."""
    if reg.custom:
        return reg.inputs
    return _struct(reg.outputs) if reg.outputs else struct_pb2.Struct()


def _stack_resource(r: Registration, by_urn: dict[str, Registration]) -> analyzer_pb2.AnalyzerResource:
    deps = {
        k: analyzer_pb2.AnalyzerPropertyDependencies(urns=v)
        for k, v in (r.options.get("propertyDependencies") or {}).items()
        if v
    }
    return analyzer_pb2.AnalyzerResource(
        type=r.type,
        properties=_state(r),
        urn=r.urn,
        name=r.name,
        options=_options(r),
        provider=_provider(r, by_urn),
        parent=r.parent or "",
        dependencies=list(r.options.get("dependencies") or []),
        propertyDependencies=deps,
    )


def serialized_stack_request(registrations: list[Registration]) -> bytes:
    """The AnalyzeStackRequest, serialized one resource at a time.

    Serialized messages concatenated parse as their merge, and a repeated field merges by
    concatenation: the bytes are those of the whole request, which never exists as one message
    (about 5 KB per resource in memory, against 0.6 KB serialized).
    """
    by_urn = {r.urn: r for r in registrations}
    return b"".join(
        analyzer_pb2.AnalyzeStackRequest(resources=[_stack_resource(r, by_urn)]).SerializeToString()
        for r in registrations
    )
