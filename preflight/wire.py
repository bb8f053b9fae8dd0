"""The engine's wire sentinels, named once for preflight, the program's tests and the pack's tests.

They come from the Pulumi engine's resource signatures (FACTS.md, "the wire"): a secret travels as
``{SECRET_SIG_KEY: SECRET_SIG_VALUE, "value": ...}`` and a value unknown until the update as the
string ``UNKNOWN``. The SDK keeps the first two private, so they are spelled here and nowhere else.
"""

from __future__ import annotations

from typing import Any

SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270"
SIGNATURES = frozenset({SECRET_SIG_KEY, SECRET_SIG_VALUE})
"""The envelope's own constants: never secrets, never redacted."""
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def secret(value: Any) -> dict[str, Any]:
    """``value`` wrapped as the engine sends a secret."""
    return {SECRET_SIG_KEY: SECRET_SIG_VALUE, "value": value}


def is_secret(value: Any) -> bool:
    """True for a secret envelope as the engine sends it."""
    return isinstance(value, dict) and value.get(SECRET_SIG_KEY) == SECRET_SIG_VALUE
