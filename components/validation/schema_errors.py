"""A pydantic ValidationError told as one line in the user's own keys.

pydantic's error locations carry its internals (`lax-or-strict[...]`, `function-plain[...]`, union
branch names); the user wrote `network.zones.app`. Of all errors, the one reported is the most
telling: an unknown key first (it usually explains a "missing" one, e.g. `dataClasification`), with
the closest known key, then the rest in document order.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..config import key
from ..errors import ConfigError

_DOCS = "docs/configuration.md"


def config_error(err: ValidationError, model: type[BaseModel]) -> ConfigError:
    """The one ConfigError to report for `err`, raised while validating `model`."""
    errors = err.errors(include_url=False)
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    parts = user_path(first["loc"])
    path = _join(parts)
    if first["type"] == "missing":
        return ConfigError(key(path), None, f"a value: this key is required ({_DOCS})")
    if first["type"] == "extra_forbidden":
        known = known_keys(model, parts[:-1])
        close = difflib.get_close_matches(str(parts[-1]), known, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return ConfigError(
            key(path), first.get("input"), f"no such key: {hint}known keys are listed in {_DOCS}"
        )
    return ConfigError(key(path), first.get("input"), _allowed(first))


def user_path(loc: tuple[int | str, ...]) -> list[int | str]:
    """The location without pydantic's validator and union-branch names."""
    return [part for part in loc if isinstance(part, int) or not _is_internal(part)]


def _is_internal(part: str) -> bool:
    return any(c in part for c in "[](),=") or part in {"function-after", "function-before", "function-plain"}


def _join(parts: list[int | str]) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def known_keys(model: type[BaseModel], parents: list[int | str]) -> list[str]:
    """The user-facing key names of the model found at `parents`, or [] where there is none."""
    current: Any = model
    for part in parents:
        if isinstance(part, int) or not _is_model(current):
            current = _item_model(current) if isinstance(part, int) else None
            continue
        field = next((f for n, f in current.model_fields.items() if (f.alias or n) == part), None)
        current = _item_model(field.annotation) if field else None
    if not _is_model(current):
        return []
    return [f.alias or n for n, f in current.model_fields.items()]


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _item_model(annotation: Any) -> Any:
    # The model a field holds, directly or as the items of a tuple, list, dict or Optional.
    if _is_model(annotation):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _item_model(arg)
        if found is not None:
            return found
    return None


def _allowed(error: ErrorDetails) -> str:
    ctx = error.get("ctx") or {}
    if error["type"] in ("bool_type", "bool_parsing"):
        return "true or false (a YAML boolean, not a string or a number)"
    if error["type"] == "literal_error" and "expected" in ctx:
        return f"one of {ctx['expected']}"
    return str(error["msg"])
