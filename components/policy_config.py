"""One source for each stack fact: the policy config a stack needs, derived from its stack file.

The pack needs some facts of the stack (environment, exposed zones, the administrators' ranges,
approved endpoints, an organisation's qualification row, declared encrypted volume types, the
cluster's registry allow-list). They
are written once, in `stacks/Pulumi.<stack>.yaml`; `stacks/<stack>.policy.json` repeats them for
the pack, and is generated from the stack file (`make policy-config STACK=<stack>`), which keeps
what only a person can write there: suppressions, approvers and reasons, enforcement levels.

The program refuses to run when the two disagree (`check_agreement`, called by `__main__.py`
before any resource), so the CLI and preflight both stop on a stale policy config, naming the key.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .catalogue import OfferCatalogue, load_catalogue
from .config import StackConfig
from .errors import ConfigError

SETTINGS_POLICY = "hygiene-policy-config-require-validity"
VOLUME_POLICY = "encryption-volume-require-encrypted-type"
REGISTRY_POLICY = "kubernetes-image-restrict-registries"
# Advisory in the pack, mandatory in production: a prod instance whose logs stay on it fails (12.7.c).
LOG_SHIPPING_POLICY = "data-protection-instance-require-log-shipping"
ADMIN_ZONES = ["admin"]
SERVICES = {"keystone": "identity", "s3": "s3"}
APPROVER_TO_REPLACE = "REPLACE with the approver of this endpoint"


def regenerate_command(stack: str) -> str:
    return f"make policy-config STACK={stack}"


def policy_config_path(project_dir: Path, stack: str) -> Path:
    return project_dir / "stacks" / f"{stack}.policy.json"


def _approved_endpoints(cfg: StackConfig, catalogue: OfferCatalogue) -> list[dict[str, Any]]:
    """Endpoints the stack declares that are not the catalogue's own URL for the offer."""
    offer = catalogue.offer(cfg.offer)
    known = {"keystone": offer.keystone, "s3": offer.s3.endpoint(cfg.region) if offer.s3 else None}
    rows = []
    for name, service in SERVICES.items():
        url = getattr(cfg.endpoints, name)
        if url and url.rstrip("/") != (known[name] or "").rstrip("/"):
            rows.append({"url": url, "offer": cfg.offer, "regions": [cfg.region], "service": service})
    return rows


def derived_facts(cfg: StackConfig, catalogue: OfferCatalogue | None = None) -> dict[str, dict[str, Any]]:
    """Policy name to the config keys the stack file decides (and nothing a person decides)."""
    catalogue = catalogue or load_catalogue()
    settings: dict[str, Any] = {
        "environment": cfg.environment,
        "exposedZones": list(cfg.network.exposed_zones),
        "adminZones": list(ADMIN_ZONES),
        "adminSourceCidrs": [str(c) for c in cfg.admin_cidrs],
        "approvedEndpoints": _approved_endpoints(cfg, catalogue),
        "offerOverrides": {},
    }
    if cfg.qualification is not None:
        q = cfg.qualification
        settings["offerOverrides"] = {
            cfg.offer: {
                "secnumcloud": q.secnumcloud,
                "valid_until": q.valid_until.isoformat(),
                "approved_by": q.approved_by,
                "reason": q.reference,
            }
        }
    facts = {SETTINGS_POLICY: settings}
    if cfg.encrypted_volume_types:
        facts[VOLUME_POLICY] = {"approvedVolumeTypes": list(cfg.encrypted_volume_types)}
    if cfg.kubernetes is not None:
        facts[REGISTRY_POLICY] = {"allowedRegistries": list(cfg.kubernetes.registries)}
    if cfg.is_production:
        facts[LOG_SHIPPING_POLICY] = {"enforcementLevel": "mandatory"}
    return facts


def _endpoint_identity(row: Mapping[str, Any]) -> tuple[str, str, tuple[str, ...], str]:
    return (row["url"], row["offer"], tuple(row["regions"]), row["service"])


def merged(facts: Mapping[str, Mapping[str, Any]], existing: Mapping[str, Any] | None) -> dict[str, Any]:
    """The policy config to write: the existing file with every derived key replaced.

    An endpoint's approver and reason are a person's words: kept when the endpoint is unchanged,
    else marked REPLACE."""
    result: dict[str, Any] = copy.deepcopy(dict(existing or {}))
    for policy, keys in facts.items():
        block = result.setdefault(policy, {})
        for name, value in keys.items():
            if name == "approvedEndpoints":
                value = _with_approvals(value, block.get(name) or [])
            if name == "offerOverrides" and not value:
                block.pop(name, None)
                continue
            block[name] = value
        if policy == SETTINGS_POLICY:
            block.setdefault("suppressions", [])
    return result


def _with_approvals(rows: list[dict[str, Any]], previous: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    before = {_endpoint_identity(r): r for r in previous if isinstance(r, Mapping) and "url" in r}
    out = []
    for row in rows:
        old = before.get(_endpoint_identity(row), {})
        out.append(
            {
                **row,
                "approved_by": old.get("approved_by", APPROVER_TO_REPLACE),
                "reason": old.get("reason", f"{row['service']} endpoint declared in the stack file"),
            }
        )
    return out


def disagreements(
    facts: Mapping[str, Mapping[str, Any]], config: Mapping[str, Any]
) -> list[tuple[str, Any, Any]]:
    """(policy.key, in the policy config, from the stack file) for each derived key that differs."""
    found = []
    for policy, keys in facts.items():
        found_block = config.get(policy)
        block: Mapping[str, Any] = found_block if isinstance(found_block, Mapping) else {}
        for name, expected in keys.items():
            actual = block.get(name)
            if name == "approvedEndpoints":
                same = sorted(map(_endpoint_identity, expected)) == sorted(
                    _endpoint_identity(r) for r in (actual or []) if isinstance(r, Mapping) and "url" in r
                )
            elif name == "offerOverrides":
                same = _overrides_core(actual or {}) == _overrides_core(expected)
            else:
                same = actual == expected
            if not same:
                found.append((f"{policy}.{name}", actual, expected))
    return found


def _overrides_core(rows: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {
        k: (v.get("secnumcloud"), v.get("valid_until")) for k, v in rows.items() if isinstance(v, Mapping)
    }


def check_agreement(cfg: StackConfig, project_dir: Path, stack: str) -> None:
    """Refuse to plan when the stack's policy config is missing or says other than its stack file.

    Only a stack with a stack file is checked: without one there is nothing to agree with (a stack
    whose config comes from elsewhere, such as the tests' in-memory stacks)."""
    if not (project_dir / "stacks" / f"Pulumi.{stack}.yaml").is_file():
        return
    path = policy_config_path(project_dir, stack)
    shown = f"stacks/{path.name}"
    if not path.is_file():
        raise ConfigError(
            shown, None, f"a policy config for stack '{stack}': run `{regenerate_command(stack)}`"
        )
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ConfigError(shown, None, f"a readable JSON policy config ({type(err).__name__})") from None
    if not isinstance(config, Mapping):
        raise ConfigError(shown, type(config).__name__, "a JSON object of policy name to config")
    wrong = disagreements(derived_facts(cfg), config)
    if wrong:
        where, actual, expected = wrong[0]
        raise ConfigError(
            f"{shown}: {where}",
            actual,
            f"{json.dumps(expected)}, as the stack file says; regenerate it with "
            f"`{regenerate_command(stack)}` (it keeps suppressions and approvals)",
        )
