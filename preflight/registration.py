"""One resource registration as the engine would have received it, and the engine's URN for it.

Kept apart from the recorder (recorder.py, which loads the Pulumi SDK) so that the modules that
only read registrations, from the analysis to the report, need no more than protobuf.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf import struct_pb2

STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass(frozen=True, slots=True)
class SourcePosition:
    """Where the program created a resource."""

    path: Path
    line: int


@dataclass(slots=True)
class Registration:
    """One RegisterResource call, as the engine would have received it.

    A run holds every registration to its end (15,000 at the benchmark's largest size), so each is
    kept small: inputs serialized, options the program left at their default absent, URNs interned.
    """

    type: str
    name: str
    urn: str
    parent: str | None
    custom: bool
    provider: str | None
    """The provider reference "<provider URN>::<id>"; None means the default provider."""
    wire_inputs: bytes
    """The inputs exactly as sent (wire names, secrets still wrapped in their signature),
    serialized: a parsed Struct takes about 2 KB more per registration."""
    options: dict[str, Any]
    """The options the program set, by wire name; one left at its default is absent: read them
    with .get (protect, retainOnDelete: false; the lists: empty)."""
    source: SourcePosition | None
    id: str = ""
    outputs: dict[str, Any] = field(default_factory=dict)
    version: str = ""
    """The package version the SDK asked for; it names the default provider."""
    plugin_download_url: str = ""

    @property
    def inputs(self) -> struct_pb2.Struct:
        """The inputs, parsed afresh: the caller may keep or change them."""
        return struct_pb2.Struct.FromString(self.wire_inputs)

    @property
    def package(self) -> str:
        return self.type.split(":", 1)[0]

    @property
    def is_provider(self) -> bool:
        return self.type.startswith("pulumi:providers:")


def engine_urn(stack: str, project: str, parent_urn: str, type_: str, name: str) -> str:
    """The URN the Pulumi engine gives: parent types chained with '$', the root stack left out."""
    if parent_urn:
        parent_type = parent_urn.split("::")[2]
        if parent_type != STACK_TYPE:
            type_ = f"{parent_type}${type_}"
    return f"urn:pulumi:{stack}::{project}::{type_}::{name}"
