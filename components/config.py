"""StackConfig: the typed, validated description of one environment.

Everything a stack file can say is parsed and checked here, before a single resource is
registered. Type and shape checks are pydantic's; the rules that need the catalogue or several
keys at once are plain functions below, each raising ConfigError with the exact key.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from .catalogue import Catalogue, Offer, load_catalogue
from .errors import ConfigError
from .key_specs import IMPORTED_KEYS, KeySpec, imported_key_names, parse_key_specs
from .ssh_keys import public_key_problem
from .volumes import known_encrypted_volume_types, select_encrypted_volume_type

PROJECT = "sovereign-landing-zone"
ZONES: tuple[str, ...] = ("dmz", "app", "data", "admin")
ENVIRONMENTS = ("dev", "staging", "prod")
DATA_CLASSES = ("public", "internal", "sensitive", "health")
# Config keys read separately as Pulumi secrets; never copied into StackConfig.
SECRET_KEYS = frozenset({"openstackApplicationCredentialSecret", "openstackPassword", IMPORTED_KEYS})

Zone = Literal["dmz", "app", "data", "admin"]
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)


class Flow(_Model):
    """One authorised flow of the matrix (SecNumCloud 3.2 section 13.1)."""

    source: str = Field(alias="from")
    """A zone name or a CIDR outside the landing zone."""
    to: str
    """A zone name, or a CIDR outside the landing zone for egress."""
    protocol: Literal["tcp", "udp", "icmp", "any"]
    ports: str | int | None = None
    """A port, a range 'low-high', or 'all' (tcp/udp only); None for icmp and any."""
    justification: str = ""
    """Why the flow exists; required, it becomes the rule description a reviewer reads."""


class Endpoints(_Model):
    """Endpoints the stack declares where the offer's are per customer."""

    keystone: str | None = None
    s3: str | None = None


class Qualification(_Model):
    """An organisation's own statement of an offer's qualification (private clouds)."""

    secnumcloud: Literal["qualified", "not-qualified"]
    valid_until: dt.date
    approved_by: str
    reference: str


class NetworkPlan(_Model):
    """One private CIDR per zone, and what the zones may expose."""

    zones: dict[Zone, IpNetwork]
    exposed_zones: tuple[Zone, ...] = ("dmz",)
    external_network_id: str
    dns_resolvers: tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, ...] | None = None


class BastionConfig(_Model):
    """The administration jump host (ANSSI PA-022 R68); absent means no bastion."""

    flavor: str
    image_id: str
    ssh_public_keys: Annotated[tuple[str, ...], Field(min_length=1)]
    """Administrators' OpenSSH public keys; passwords are never accepted (DAT-NT-007 R17)."""
    floating_ip_pool: str
    """The external network that gives the bastion its public address."""
    volume_size: int = Field(default=20, ge=10, le=500)
    volume_type: str | None = None
    """An encrypted volume type; by default the first one the offer declares."""


class BucketConfig(_Model):
    """One encrypted bucket on the offer's S3 API; its custody comes from the key it names."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,30}$")
    """Logical name; the bucket is '<namePrefix>-<environment>-<name>' unless bucketName is set."""
    purpose: Literal["data", "logs", "backup"]
    data_class: Literal["public", "internal", "sensitive", "health"] | None = None
    """Defaults to the stack's dataClassification."""
    key: str | None = None
    """A customer-held key of `keys` (purpose object-storage): the bucket then requires SSE-C."""
    bucket_name: str | None = None
    object_lock_days: int | None = Field(default=None, ge=1)
    """Default retention with object lock; logs buckets get at least 180 days anyway."""
    noncurrent_version_days: int | None = Field(default=90, ge=1)
    force_destroy: bool = False
    """The explicit, named opt-in to let a delete empty a non-empty bucket."""


class StackConfig(_Model):
    """The whole validated configuration of one stack."""

    environment: Literal["dev", "staging", "prod"]
    offer: str
    region: str
    region_country: str | None = None
    """ISO code of the region's country, required where the offer's regions are per customer."""
    data_classification: Literal["public", "internal", "sensitive", "health"]
    network: NetworkPlan
    admin_cidrs: Annotated[tuple[IpNetwork, ...], Field(min_length=1)]
    flows: tuple[Flow, ...] = ()
    endpoints: Endpoints = Endpoints()
    ca_cert_file: str | None = None
    qualification: Qualification | None = None
    openstack_application_credential_id: str | None = None
    encrypted_volume_types: tuple[str, ...] = ()
    """Volume types the organisation declares encrypted, where the offer's are per customer."""
    bastion: BastionConfig | None = None
    keys: tuple[KeySpec, ...] = ()
    """Encryption keys and their custody; parsed by key_specs.parse_key_specs, not by pydantic."""
    buckets: tuple[BucketConfig, ...] = ()
    name_prefix: str = Field(default="slz", pattern=r"^[a-z][a-z0-9-]{1,15}$")
    protect: bool = True
    """Protect stateful resources from deletion; turning it off is the explicit opt-in."""

    @property
    def is_production(self) -> bool:
        return self.environment == "prod"


def key(path: str) -> str:
    return f"{PROJECT}:{path}"


def parse_stack_config(
    raw: Mapping[str, Any], *, today: dt.date | None = None, catalogue: Catalogue | None = None
) -> StackConfig:
    """Parse the raw stack config (keys without namespace) and apply every rule."""
    catalogue = catalogue or load_catalogue()
    today = today or dt.date.today()
    values = {k: _decode(v) for k, v in raw.items() if k not in SECRET_KEYS}
    raw_keys = values.pop("keys", None)
    try:
        cfg = StackConfig.model_validate(values)
    except ValidationError as err:
        raise _config_error(err) from None
    # Only the names of imported material are looked at here; the material stays a secret.
    specs = parse_key_specs(
        raw_keys, cfg.data_classification, imported_key_names(raw.get(IMPORTED_KEYS)), today=today
    )
    cfg = cfg.model_copy(update={"keys": specs})
    offer = check_offer(cfg, catalogue, today)
    check_network(cfg.network)
    check_admin_cidrs(cfg.admin_cidrs)
    check_flows(cfg)
    check_endpoints(cfg, offer)
    check_bastion(cfg, offer)
    check_buckets(cfg)
    return cfg


def check_endpoints(cfg: StackConfig, offer: Offer) -> None:
    declared = cfg.endpoints.keystone
    if offer.keystone_per_customer:
        if not declared:
            raise ConfigError(
                key("endpoints.keystone"),
                None,
                f"the Keystone URL of your '{offer.key}' tenancy (it is given per customer)",
            )
    elif declared and declared.rstrip("/") != offer.keystone.rstrip("/"):
        raise ConfigError(
            key("endpoints.keystone"), declared, f"the offer's endpoint {offer.keystone} or nothing"
        )
    for name in ("keystone", "s3"):
        url = getattr(cfg.endpoints, name)
        if url and not url.startswith("https://"):
            raise ConfigError(key(f"endpoints.{name}"), url, "an https:// URL (SecNumCloud 3.2 10.2)")


def bastion_volume_type(cfg: StackConfig, offer: Offer) -> str:
    requested = cfg.bastion.volume_type if cfg.bastion else None
    known = known_encrypted_volume_types(offer, cfg.encrypted_volume_types)
    return select_encrypted_volume_type(known, requested, key=key("bastion.volumeType"))


def check_bastion(cfg: StackConfig, offer: Offer) -> None:
    bastion = cfg.bastion
    if bastion is None:
        return
    bastion_volume_type(cfg, offer)
    for i, line in enumerate(bastion.ssh_public_keys):
        problem = public_key_problem(line)
        if problem:
            shown = line if len(line) < 60 else line[:40] + "..."
            raise ConfigError(key(f"bastion.sshPublicKeys[{i}]"), shown, problem)


def check_buckets(cfg: StackConfig) -> None:
    keys = {spec.name: spec for spec in cfg.keys}
    names: set[str] = set()
    for i, bucket in enumerate(cfg.buckets):
        if bucket.name in names:
            raise ConfigError(key(f"buckets[{i}].name"), bucket.name, "a name not used by another bucket")
        names.add(bucket.name)
        data_class = bucket.data_class or cfg.data_classification
        spec = keys.get(bucket.key) if bucket.key else None
        if bucket.key and (spec is None or spec.purpose != "object-storage"):
            usable = sorted(k for k, s in keys.items() if s.purpose == "object-storage")
            raise ConfigError(
                key(f"buckets[{i}].key"), bucket.key, f"a key of `keys` with purpose object-storage: {usable}"
            )
        if spec is not None and spec.custody != "customer-held":
            raise ConfigError(
                key(f"buckets[{i}].key"),
                bucket.key,
                "a customer-held key: the offers' S3 has no SSE-KMS with customer keys, so a bucket "
                "is either SSE-C with a customer-held key or SSE-S3 without one",
            )
        if data_class in ("sensitive", "health") and spec is None:
            raise ConfigError(
                key(f"buckets[{i}].key"),
                bucket.key,
                f"a customer-held key for {data_class} data (SSE-C: the provider never stores the key)",
            )


def keystone_url(cfg: StackConfig, offer: Offer) -> str:
    return cfg.endpoints.keystone or offer.keystone


def _decode(value: Any) -> Any:
    # The CLI passes structured values as JSON text.
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _config_error(err: ValidationError) -> ConfigError:
    first = err.errors(include_url=False)[0]
    path = ""
    for part in first["loc"]:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    if first["type"] == "missing":
        return ConfigError(key(path), None, "a value: this key is required (docs/configuration.md)")
    if first["type"] == "extra_forbidden":
        return ConfigError(
            key(path), first.get("input"), "no such key: check its spelling in docs/configuration.md"
        )
    return ConfigError(key(path), first.get("input"), first["msg"])


def check_offer(cfg: StackConfig, catalogue: Catalogue, today: dt.date) -> Offer:
    if cfg.offer not in catalogue.offers:
        raise ConfigError(key("offer"), cfg.offer, f"one of {sorted(catalogue.offers)}")
    offer = catalogue.offer(cfg.offer)
    if offer.regions is None:
        if not cfg.region_country:
            raise ConfigError(
                key("regionCountry"),
                None,
                f"offer '{offer.key}' has per-customer regions: declare the region's ISO country code",
            )
        country = cfg.region_country.upper()
    elif cfg.region not in offer.regions:
        raise ConfigError(key("region"), cfg.region, f"a region of '{offer.key}': {sorted(offer.regions)}")
    else:
        country = offer.regions[cfg.region]
    if country not in catalogue.eu_countries:
        raise ConfigError(
            key("region"),
            cfg.region,
            f"a region in the EU (SecNumCloud 3.2 19.2; this one is in {country})",
        )
    qualified_offers = sorted(
        o.key for o in catalogue.offers.values() if o.qualification.is_qualified_on(today)
    )
    if cfg.is_production and not _qualified(cfg, offer, today):
        raise ConfigError(
            key("offer"),
            cfg.offer,
            "a production stack needs an offer with a SecNumCloud qualification valid on "
            f"{today.isoformat()} (SecNumCloud-qualified offers: {qualified_offers})",
        )
    # Real health data never goes to an unqualified offer, whatever the environment says: a dev
    # stack that holds it is production in all but name.
    if cfg.data_classification == "health" and not _qualified(cfg, offer, today):
        raise ConfigError(
            key("dataClassification"),
            "health",
            f"public, internal or sensitive on '{offer.key}', which is not SecNumCloud-qualified on "
            f"{today.isoformat()}; health data only on {qualified_offers}",
        )
    return offer


def _qualified(cfg: StackConfig, offer: Offer, today: dt.date) -> bool:
    if offer.qualification.secnumcloud == "declared":
        q = cfg.qualification
        return q is not None and q.secnumcloud == "qualified" and q.valid_until >= today
    return offer.qualification.is_qualified_on(today)


_NON_PRIVATE = (
    ipaddress.ip_network("0.0.0.0/8"),
    ipaddress.ip_network("127.0.0.0/8"),
    ipaddress.ip_network("169.254.0.0/16"),
    ipaddress.ip_network("fe80::/10"),
    ipaddress.ip_network("::1/128"),
)


def is_private_cidr(net: IpNetwork) -> bool:
    # A range that starts in loopback or link-local is refused even though Python calls it private.
    return net.is_private and not any(net.network_address in bad for bad in _NON_PRIVATE)


def check_network(plan: NetworkPlan) -> None:
    missing = [z for z in ZONES if z not in plan.zones]
    if missing:
        raise ConfigError(
            key("network.zones"), sorted(plan.zones), f"one CIDR for each of {list(ZONES)}; missing {missing}"
        )
    for zone, net in plan.zones.items():
        if net.version != 4 or not 16 <= net.prefixlen <= 28:
            raise ConfigError(key(f"network.zones.{zone}"), str(net), "an IPv4 CIDR from /16 to /28")
        if not is_private_cidr(net):
            raise ConfigError(key(f"network.zones.{zone}"), str(net), "a private CIDR (RFC 1918)")
    items = list(plan.zones.items())
    for i, (zone, net) in enumerate(items):
        for other, other_net in items[i + 1 :]:
            if net.version == other_net.version and net.overlaps(other_net):
                raise ConfigError(
                    key(f"network.zones.{other}"),
                    str(other_net),
                    f"a CIDR that does not overlap zone '{zone}' ({net})",
                )
    for zone in ("data", "admin"):
        if zone in plan.exposed_zones:
            raise ConfigError(
                key("network.exposedZones"),
                list(plan.exposed_zones),
                f"zones other than '{zone}': it is never exposed",
            )


def check_admin_cidrs(cidrs: tuple[IpNetwork, ...]) -> None:
    for i, net in enumerate(cidrs):
        minimum = 16 if net.version == 4 else 48
        if net.prefixlen < minimum:
            raise ConfigError(
                key(f"adminCidrs[{i}]"),
                str(net),
                f"the administrators' own source ranges, at most /{minimum} wide "
                "(SecNumCloud 3.2 9.6.d: no administration interface open to a public network)",
            )


def zone_or_cidr(value: str) -> str | IpNetwork:
    if value in ZONES:
        return value
    try:
        return ipaddress.ip_network(value, strict=True)
    except ValueError:
        return value


def check_flows(cfg: StackConfig) -> None:
    for i, flow in enumerate(cfg.flows):
        at = f"flows[{i}]"
        src, dst = zone_or_cidr(flow.source), zone_or_cidr(flow.to)
        for field, end in (("from", src), ("to", dst)):
            if isinstance(end, str) and end not in ZONES:
                raise ConfigError(key(f"{at}.{field}"), end, f"a zone ({', '.join(ZONES)}) or a CIDR")
        if not isinstance(src, str) and not isinstance(dst, str):
            raise ConfigError(key(f"{at}.to"), flow.to, "at least one end of a flow must be a zone")
        if len(flow.justification.strip()) < 10:
            raise ConfigError(
                key(f"{at}.justification"),
                flow.justification,
                "a justification of at least 10 characters (SecNumCloud 3.2 13.1: every flow is justified)",
            )
        _check_ports(at, flow, src)
        if dst == "admin":
            raise ConfigError(
                key(f"{at}.to"),
                flow.to,
                "another zone: nothing enters the admin zone but SSH from adminCidrs, which is generated",
            )
        if "data" in (src, dst) and not (isinstance(src, str) and isinstance(dst, str)):
            raise ConfigError(
                key(f"{at}"), f"{flow.source} -> {flow.to}", "no flow between the data zone and the outside"
            )
        if src == "dmz" and dst == "data":
            raise ConfigError(
                key(f"{at}"), f"{flow.source} -> {flow.to}", "the data zone is never reachable from the dmz"
            )
        if src == dst:
            raise ConfigError(key(f"{at}.to"), flow.to, "a zone other than the source")
        if not isinstance(src, str) and dst not in cfg.network.exposed_zones:
            raise ConfigError(
                key(f"{at}.to"),
                flow.to,
                f"one of the exposed zones {list(cfg.network.exposed_zones)} for ingress from outside",
            )


def _check_ports(at: str, flow: Flow, src: str | IpNetwork) -> None:
    if flow.protocol in ("icmp", "any"):
        if flow.ports is not None:
            raise ConfigError(key(f"{at}.ports"), flow.ports, f"no ports for protocol '{flow.protocol}'")
        if flow.protocol == "any" and not isinstance(src, str):
            raise ConfigError(key(f"{at}.protocol"), "any", "tcp, udp or icmp for a flow from outside")
        return
    if flow.ports == "all":
        if not isinstance(src, str):
            raise ConfigError(key(f"{at}.ports"), "all", "a port or a range for a flow from outside")
        return
    if port_range(flow.ports) is None:
        raise ConfigError(
            key(f"{at}.ports"), flow.ports, "a port (1-65535), a range 'low-high', or 'all' between zones"
        )


def port_range(ports: str | int | None) -> tuple[int, int] | None:
    if ports is None or ports == "all":
        return None
    text = str(ports)
    low, _, high = text.partition("-")
    try:
        lo, hi = int(low), int(high or low)
    except ValueError:
        return None
    return (lo, hi) if 1 <= lo <= hi <= 65535 else None


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
