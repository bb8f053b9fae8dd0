"""A compliant security-group rule the network tests vary one field at a time."""

from __future__ import annotations

from typing import Any

from .conftest import HTTPS_IN

PORT = "openstack:networking/port:Port"


def rule(**changes: Any) -> dict[str, Any]:
    """HTTPS_IN with `changes` applied; a change to None removes the property."""
    props = {**HTTPS_IN, **changes}
    return {k: v for k, v in props.items() if v is not None}
