"""The stack's environment (dev, staging, prod): the strictest of three sources.

No single label can relax the production checks, so three sources are read and the strictest
applies: the settings policy's `environment`, the stack name, and the program's own
`<project>:environment` config. The stack name and the program config are read from PULUMI_STACK,
PULUMI_PROJECT and PULUMI_CONFIG, the variables the CLI (and preflight) set for the pack process
and from which `python -m pulumi.policy` configures the runtime (`pulumi.get_stack()`,
`pulumi.runtime.get_config`); reading the environment directly gives the same values without
depending on runtime state another import may have set.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import Any

ENVIRONMENTS = ("dev", "staging", "prod")
STACK_NAME_ENVIRONMENTS = {
    "dev": "dev",
    "development": "dev",
    "test": "dev",
    "sandbox": "dev",
    "staging": "staging",
    "stage": "staging",
    "preprod": "staging",
    "qa": "staging",
    "prod": "prod",
    "production": "prod",
    "prd": "prod",
}
PROD_WORDS = frozenset(w for w, e in STACK_NAME_ENVIRONMENTS.items() if e == "prod") | {"live"}
RANK = {env: i for i, env in enumerate(ENVIRONMENTS)}
UNKNOWN_STACK = "default (unknown stack name counts as prod)"


def stack_name_environment(stack: str | None) -> str | None:
    """What the stack name says, or None when it says nothing recognisable.

    A production word anywhere in the name makes it prod ("prod-eu", "acme-prod-2", "live");
    otherwise the whole name or its last `-`/`_`/`.` word decides ("acme-dev")."""
    name = (stack or "").strip().lower()
    words = [w.rstrip("0123456789") for w in re.split(r"[-_.]", name)] if name else []
    if name in PROD_WORDS or any(w in PROD_WORDS for w in words):
        return "prod"
    if name in STACK_NAME_ENVIRONMENTS:
        return STACK_NAME_ENVIRONMENTS[name]
    if words and words[-1] in STACK_NAME_ENVIRONMENTS:
        return STACK_NAME_ENVIRONMENTS[words[-1]]
    return None


def environment_from_stack(stack: str | None) -> tuple[str, str]:
    env = stack_name_environment(stack)
    return (env, "stack name") if env else ("prod", UNKNOWN_STACK)


def program_value(
    name: str, program_config: Mapping[str, Any] | None = None, project: str | None = None
) -> tuple[str | None, str]:
    """The program's own `<project>:<name>` config value (raw text) and its key.

    Defaults: PULUMI_CONFIG (JSON of "ns:key" to string) and PULUMI_PROJECT, as the CLI passes them
    to the pack process."""
    if project is None:
        project = os.environ.get("PULUMI_PROJECT") or ""
    key = f"{project}:{name}"
    if program_config is None:
        try:
            loaded = json.loads(os.environ.get("PULUMI_CONFIG") or "{}")
        except ValueError:
            loaded = {}
        program_config = loaded if isinstance(loaded, Mapping) else {}
    if not project:
        return None, key
    value = program_config.get(key)
    if value is None:
        return None, key
    return str(value), key


def program_environment(
    program_config: Mapping[str, Any] | None = None, project: str | None = None
) -> tuple[str | None, str]:
    """The program's own `<project>:environment` config value (raw text) and its key."""
    return program_value("environment", program_config, project)


def program_health_data(program_config: Mapping[str, Any] | None = None, project: str | None = None) -> str:
    """The program config key that classifies the stack's data as health data, or ''."""
    value, key = program_value("dataClassification", program_config, project)
    return key if value is not None and value.strip().lower() == "health" else ""


def resolve_environment(
    configured: Any,
    stack: str | None,
    program_value: str | None,
    program_key: str,
    problems: list[str],
) -> tuple[str, str]:
    """The strictest of the settings' environment, the stack name and the program config.

    A declared value that is not an environment counts as prod; declarations that disagree are
    recorded as a problem (a mandatory violation of the settings policy)."""
    declared: list[tuple[str, str]] = []  # (environment, source)
    if configured is not None:
        if configured in ENVIRONMENTS:
            declared.append((str(configured), "config"))
        else:
            problems.append(
                f"'environment' {configured!r} is not one of {', '.join(ENVIRONMENTS)}; treated as prod"
            )
            declared.append(("prod", "config (invalid, treated as prod)"))
    from_stack = stack_name_environment(stack)
    if from_stack is not None:
        declared.append((from_stack, f"stack name {stack!r}"))
    if program_value is not None:
        text = program_value.strip().lower()
        env = text if text in ENVIRONMENTS else STACK_NAME_ENVIRONMENTS.get(text)
        if env is None:
            problems.append(
                f"program config {program_key} = {program_value!r} is not one of "
                f"{', '.join(ENVIRONMENTS)}; treated as prod"
            )
            env = "prod"
        declared.append((env, f"program config {program_key}"))
    candidates = list(declared)
    if configured is None and from_stack is None:
        candidates.append(("prod", UNKNOWN_STACK))
    if not candidates:  # unreachable: a missing config and stack name add the default above
        return "prod", UNKNOWN_STACK
    strictest = max(RANK[env] for env, _ in candidates)
    environment = ENVIRONMENTS[strictest]
    source = " and ".join(src for env, src in candidates if env == environment)
    if len({env for env, _ in declared}) > 1:
        said = "; ".join(f"{src} says {env}" for env, src in declared)
        problems.append(
            f"the environment sources disagree ({said}); the strictest, {environment}, applies: make the "
            "policy config's environment, the stack name and the program config agree"
        )
    return environment, source
