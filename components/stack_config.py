"""Reading and checking one stack's config, in the order that reports the root cause first.

The shape (types, ranges, unknown keys) is checked first; then the offer, its region and what it
may hold (the data class), since every later rule depends on them; then custody of the keys, the
network and flows, the endpoints and the resources that use them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from .catalogue import OfferCatalogue, load_catalogue
from .config import PROJECT, SECRET_KEYS, StackConfig, key
from .errors import ConfigError
from .imported_keys import IMPORTED_KEYS, imported_key_names
from .key_specs import parse_key_specs
from .validation.backups import check_backups
from .validation.bastion import check_bastion
from .validation.flows import check_flows
from .validation.ingress import check_ingress
from .validation.kubernetes import check_kubernetes
from .validation.network import check_admin_cidrs, check_network
from .validation.offer import check_endpoints, check_offer
from .validation.resources import check_buckets
from .validation.schema_errors import config_error
from .validation.supervision import check_supervision


def parse_stack_config(
    raw: Mapping[str, Any], *, today: dt.date | None = None, catalogue: OfferCatalogue | None = None
) -> StackConfig:
    """Parse the raw stack config (keys without namespace) and apply every rule."""
    catalogue = catalogue or load_catalogue()
    today = today or dt.date.today()
    values = {k: _decode(v) for k, v in raw.items() if k not in SECRET_KEYS}
    raw_keys = values.pop("keys", None)
    try:
        cfg = StackConfig.model_validate(values)
    except ValidationError as err:
        raise config_error(err, StackConfig) from None
    offer = check_offer(cfg, catalogue, today)
    # Only the names of imported material are looked at here; the material stays a secret.
    specs = parse_key_specs(
        raw_keys, cfg.data_classification, imported_key_names(raw.get(IMPORTED_KEYS)), today=today
    )
    cfg = cfg.model_copy(update={"keys": specs})
    check_network(cfg.network)
    check_admin_cidrs(cfg.admin_cidrs)
    check_flows(cfg)
    check_endpoints(cfg, offer)
    check_bastion(cfg, offer)
    check_buckets(cfg)
    check_kubernetes(cfg, offer)
    check_ingress(cfg, catalogue)
    check_supervision(cfg)
    check_backups(cfg, catalogue)
    return cfg


def _decode(value: Any) -> Any:
    # The CLI passes structured values as JSON text.
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _all_config() -> dict[str, Any]:
    # pulumi.Config has no way to list keys, and unknown keys must be seen to catch typos. The
    # language host passes config in PULUMI_CONFIG; mocks and the automation API set it in-process.
    from pulumi.runtime import config as runtime_config

    return {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}


def read_pulumi_config() -> dict[str, Any]:
    """The raw values of this project's namespace, as the engine passed them."""
    prefix = f"{PROJECT}:"
    return {k[len(prefix) :]: v for k, v in _all_config().items() if k.startswith(prefix)}


# Config keys of any namespace that hold credentials (openstack:password, openstack:token,
# openstack:applicationCredentialSecret, ...), beside this project's own secret keys.
_CREDENTIAL_KEY = re.compile(r"(?i)(password|passwd|token|secret|private_?key|access_?key)")


def check_secrets_are_secret(config: Mapping[str, Any]) -> None:
    """A credential or key material written in plaintext in a stack file has already leaked.

    `config` holds every namespaced key the engine passed.
    """
    from pulumi.runtime import config as runtime_config

    # The language host lists secret keys in PULUMI_CONFIG_SECRET_KEYS; mocks set them in-process.
    from_env = set(runtime_config.get_config_secret_keys_env())
    ours = {key(name) for name in SECRET_KEYS}
    for full in sorted(config):
        name = full.split(":", 1)[-1]
        if full not in ours and not _CREDENTIAL_KEY.search(name):
            continue
        if not (runtime_config.is_config_secret(full) or full in from_env):
            raise ConfigError(
                full,
                None,
                f"a secret value: set it with `pulumi config set --secret {full}` (this one is in "
                "plaintext in the stack file: treat it as disclosed and replace it)",
                secret=True,
            )


def load_stack_config() -> StackConfig:
    check_secrets_are_secret(_all_config())
    return parse_stack_config(read_pulumi_config())
