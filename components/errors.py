"""The program's one error type (components/): bad stack configuration, raised before any resource."""

from __future__ import annotations

from typing import Any

import pulumi

REDACTED = "<redacted secret>"


class ConfigError(pulumi.RunError, ValueError):
    """A stack-config value that cannot be accepted.

    It is a pulumi.RunError so that the CLI prints the message alone, without a traceback.

    The message always names the key, the value and what is allowed, so that a platform engineer
    can fix the stack file without reading code. A secret value is never echoed.
    """

    def __init__(self, key: str, value: Any, allowed: str, *, secret: bool = False) -> None:
        self.key = key
        self.value = REDACTED if secret else value
        self.allowed = allowed
        shown = REDACTED if secret else _show(value)
        super().__init__(f"config key '{key}': value {shown} is not allowed: {allowed}")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."
