"""StackConfig: the typed shape of one environment's stack file, and the key naming all messages use.

This module says what a stack file can hold (types, shapes, ranges). The rules that need the
catalogue or several keys at once live in `components/validation/`, and `stack_config.py` applies
them in order, so a bad value stops with one ConfigError naming the user's key before any resource
is registered.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool
from pydantic.alias_generators import to_camel

from .backups import BackupsConfig, DataVolumeConfig
from .imported_keys import IMPORTED_KEYS
from .ingress_config import IngressConfig
from .key_specs import KeySpec
from .kubernetes.settings import KubernetesConfig
from .supervision_config import SupervisionConfig

PROJECT = "sovereign-landing-zone"
ZONES: tuple[str, ...] = ("dmz", "app", "data", "admin", "supervision")
# Zones a stack adds only when something needs them: `cluster` holds the Kubernetes nodes.
CLUSTER_ZONE = "cluster"
ALL_ZONES: tuple[str, ...] = (*ZONES, CLUSTER_ZONE)
ENVIRONMENTS = ("dev", "staging", "prod")
DATA_CLASSES = ("public", "internal", "sensitive", "health")
# Config keys read separately as Pulumi secrets; never copied into StackConfig.
CLUSTER_KUBECONFIG = "clusterKubeconfig"
SECRET_KEYS = frozenset(
    {"openstackApplicationCredentialSecret", "openstackPassword", IMPORTED_KEYS, CLUSTER_KUBECONFIG}
)

Zone = Literal["dmz", "app", "data", "admin", "supervision", "cluster"]
# s3hardening.GATEWAY_LIMITS (tests/components keep the two lists equal).
GatewayLimit = Literal["no-default-encryption", "block-public-acls-breaks-writes"]
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# S3 object lock caps a default retention at 100 years; no retention of ours is longer either.
MAX_RETENTION_DAYS = 36500


def _cli_bool(value: object) -> object:
    # The CLI passes a top-level YAML boolean as the string "true" or "false"; any other spelling
    # ("yes", "on", "1") is refused rather than guessed, since `protect: no` would unprotect data.
    return {"true": True, "false": False}.get(value, value) if isinstance(value, str) else value


CliBool = Annotated[StrictBool, BeforeValidator(_cli_bool)]


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


class DeclaredQualification(_Model):
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
    dns_resolvers: tuple[IpAddress, ...] | None = None


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
    permit_open: tuple[str, ...] = ()
    """'address:port' of each host administrators may reach through the bastion (`ssh -J`)."""
    second_factor: Literal["none", "totp"] = "none"
    """'totp': a one-time code after the key (ANSSI PA-022 R36); docs/bastion.md enrols it."""


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
    object_lock_days: int | None = Field(default=None, ge=1, le=MAX_RETENTION_DAYS)
    """Default retention with object lock; logs buckets get at least 180 days anyway."""
    noncurrent_version_days: int | None = Field(default=90, ge=1, le=MAX_RETENTION_DAYS)
    force_destroy: StrictBool = False
    """The explicit, named opt-in to let a delete empty a non-empty bucket."""
    accepted_gateway_limits: tuple[GatewayLimit, ...] = ()
    """S3 controls the offer's gateway cannot apply, accepted by the organisation: the hardening
    then uses the best control the gateway offers and every audit shows the limit
    (docs/key-custody.md, "What is enforced, by whom")."""


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
    qualification: DeclaredQualification | None = None
    openstack_application_credential_id: str | None = None
    encrypted_volume_types: tuple[str, ...] = ()
    """Volume types the organisation declares encrypted, where the offer's are per customer."""
    bastion: BastionConfig | None = None
    keys: tuple[KeySpec, ...] = ()
    """Encryption keys and their custody; parsed by key_specs.parse_key_specs, not by pydantic."""
    buckets: tuple[BucketConfig, ...] = ()
    kubernetes: KubernetesConfig | None = None
    """One Kubernetes cluster in the `cluster` zone, and its baseline (docs/kubernetes.md)."""
    name_prefix: str = Field(default="slz", pattern=r"^[a-z][a-z0-9-]{1,15}$")
    protect: CliBool = True
    """Protect stateful resources from deletion; turning it off is the explicit opt-in."""
    ingress: IngressConfig | None = None
    """The dmz's TLS load balancer (components/ingress.py); absent means none."""
    supervision: SupervisionConfig | None = None
    """The supervision zone's log collector (components/supervision.py); absent means none."""
    backups: BackupsConfig | None = None
    """The backup bucket in another region of the same offer and country (components/backups.py)."""
    data_volumes: tuple[DataVolumeConfig, ...] = ()
    """EncryptedVolumes of the data zone's stateful services."""

    @property
    def is_production(self) -> bool:
        return self.environment == "prod"


def key(path: str) -> str:
    """The user's full config key for a path inside this project's namespace."""
    return f"{PROJECT}:{path}"
