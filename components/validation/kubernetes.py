"""The `kubernetes` section: the rules that need the offer, the network or the data class.

Each rule raises one ConfigError naming the user's key, the value and what is allowed, before any
resource is planned (docs/kubernetes.md).
"""

from __future__ import annotations

import re

from ..catalogue import OfferProfile
from ..config import CLUSTER_ZONE, StackConfig, key
from ..errors import ConfigError
from ..volumes import known_encrypted_volume_types, select_encrypted_volume_type

# Namespaces the distribution and its add-ons own: the baseline never takes them over, and
# workloads never run there (NSA/CISA hardening guide: kube-system is not for users).
SYSTEM_NAMESPACES = frozenset(
    {
        "kube-system",
        "kube-public",
        "kube-node-lease",
        "default",
        "cis-operator-system",
        "tigera-operator",
        "calico-system",
    }
)
# Data classes whose Secrets the provider must not be able to read (SecNumCloud 3.2 3.3.2).
KMS_DATA_CLASSES = ("sensitive", "health")
PROD_CONTROL_PLANE = 3
_REGISTRY_CHARS = re.compile(r"^[A-Za-z0-9._:/-]+$")


def offer_has_magnum(offer: OfferProfile) -> bool:
    """The catalogue says the offer exposes Magnum, or the organisation declares it (private clouds)."""
    return offer.services.get("magnum") in (True, "declared")


def check_kubernetes(cfg: StackConfig, offer: OfferProfile) -> None:
    k8s = cfg.kubernetes
    if k8s is None:
        return
    if CLUSTER_ZONE not in cfg.network.zones:
        raise ConfigError(
            key("network.zones.cluster"),
            None,
            "a private CIDR for the cluster zone: the Kubernetes nodes live in a zone of their own",
        )
    if k8s.mode == "magnum":
        if not offer_has_magnum(offer):
            with_magnum = "an offer whose catalogue entry has magnum: true, or private-openstack"
            raise ConfigError(
                key("kubernetes.mode"),
                "magnum",
                f"self-managed on '{offer.key}', which has no Magnum (magnum only on {with_magnum})",
            )
        if k8s.magnum is None:
            raise ConfigError(
                key("kubernetes.magnum"), None, "the Magnum template settings (kubeTag, imageId)"
            )
    elif k8s.image_id is None:
        raise ConfigError(key("kubernetes.imageId"), None, "the nodes' image id (self-managed mode)")
    count = k8s.control_plane.count
    if cfg.is_production and count < PROD_CONTROL_PLANE:
        raise ConfigError(
            key("kubernetes.controlPlane.count"),
            count,
            f"at least {PROD_CONTROL_PLANE} control-plane nodes in prod (etcd keeps quorum when one fails)",
        )
    if count % 2 == 0:
        raise ConfigError(
            key("kubernetes.controlPlane.count"),
            count,
            "an odd number (1 in dev, 3 or 5 in prod): an even etcd membership tolerates no more failures",
        )
    cluster_volume_type(cfg, offer)
    _check_registries(cfg)
    _check_namespaces(cfg)
    _check_api_cidrs(cfg)
    _check_encryption(cfg)


def cluster_volume_type(cfg: StackConfig, offer: OfferProfile) -> str:
    requested = cfg.kubernetes.volume_type if cfg.kubernetes else None
    known = known_encrypted_volume_types(offer, cfg.encrypted_volume_types)
    return select_encrypted_volume_type(known, requested, key=key("kubernetes.volumeType"))


def _check_registries(cfg: StackConfig) -> None:
    assert cfg.kubernetes is not None
    for i, prefix in enumerate(cfg.kubernetes.registries):
        at = key(f"kubernetes.registries[{i}]")
        if "://" in prefix:
            raise ConfigError(
                at, prefix, "a registry host and path without a scheme, e.g. 'registry.example.fr/'"
            )
        host = prefix.split("/", 1)[0]
        if not _REGISTRY_CHARS.match(prefix):
            raise ConfigError(at, prefix, "a registry host and path: letters, digits and . _ : / - only")
        if not prefix.endswith("/") or not host:
            raise ConfigError(
                at,
                prefix,
                "a prefix ending in '/', e.g. 'registry.example.fr/' (without it "
                "'registry.example.fr.evil.com/...' would match)",
            )
        if "." not in host and ":" not in host and host != "localhost":
            raise ConfigError(
                at, prefix, "a registry host name (with a dot or a port); a bare name would mean docker.io"
            )


def _check_namespaces(cfg: StackConfig) -> None:
    assert cfg.kubernetes is not None
    seen: set[str] = set()
    for i, ns in enumerate(cfg.kubernetes.namespaces):
        at = key(f"kubernetes.namespaces[{i}].name")
        if ns.name in SYSTEM_NAMESPACES or ns.name.startswith("kube-"):
            raise ConfigError(
                at,
                ns.name,
                f"a workload namespace of your own, not a system one ({sorted(SYSTEM_NAMESPACES)})",
            )
        if ns.name in seen:
            raise ConfigError(at, ns.name, "a name not used by another namespace")
        seen.add(ns.name)


def api_allowed_cidrs(cfg: StackConfig) -> tuple[str, ...]:
    """Who may reach the API: the declared ranges, or the admin zone (the bastion's zone)."""
    assert cfg.kubernetes is not None
    declared = cfg.kubernetes.api_allowed_cidrs
    return tuple(str(n) for n in declared) if declared else (str(cfg.network.zones["admin"]),)


def _check_api_cidrs(cfg: StackConfig) -> None:
    assert cfg.kubernetes is not None
    admin = cfg.network.zones["admin"]
    for i, net in enumerate(cfg.kubernetes.api_allowed_cidrs or ()):
        if net.version != admin.version or not net.subnet_of(admin):  # type: ignore[arg-type]
            raise ConfigError(
                key(f"kubernetes.apiAllowedCidrs[{i}]"),
                str(net),
                f"a range inside the admin zone {admin}: the API is administered through the bastion "
                "only (SecNumCloud 3.2 9.6.d, ANSSI PA-022 R15)",
            )


def _check_encryption(cfg: StackConfig) -> None:
    assert cfg.kubernetes is not None
    enc = cfg.kubernetes.secrets_encryption
    if cfg.kubernetes.mode == "magnum" and (
        enc.mode == "kms-v2" or cfg.data_classification in KMS_DATA_CLASSES
    ):
        raise ConfigError(
            key("kubernetes.mode"),
            "magnum",
            f"self-managed for {cfg.data_classification} data or kms-v2: Magnum's driver cannot point the "
            "API server at the organisation's KMS, so the provider could read the Secrets key",
        )
    if cfg.data_classification in KMS_DATA_CLASSES and enc.mode != "kms-v2":
        raise ConfigError(
            key("kubernetes.secretsEncryption.mode"),
            enc.mode,
            f"kms-v2 for {cfg.data_classification} data: a local {enc.mode} key sits on control-plane "
            "disks the provider can read; only a KMS the organisation operates keeps it out of reach",
        )
    if enc.mode != "kms-v2":
        return
    if not enc.kms_endpoint or not enc.kms_endpoint.startswith("https://") or len(enc.kms_endpoint) < 12:
        raise ConfigError(
            key("kubernetes.secretsEncryption.kmsEndpoint"),
            enc.kms_endpoint,
            "the https:// URL of the KMS your organisation operates (SecNumCloud 3.2 10.2)",
        )
    if not enc.kms_plugin_image:
        raise ConfigError(
            key("kubernetes.secretsEncryption.kmsPluginImage"),
            None,
            "the KMS v2 plugin image for your KMS, from one of kubernetes.registries",
        )
    if not any(enc.kms_plugin_image.startswith(p) for p in cfg.kubernetes.registries):
        raise ConfigError(
            key("kubernetes.secretsEncryption.kmsPluginImage"),
            enc.kms_plugin_image,
            f"an image from an allowed registry {list(cfg.kubernetes.registries)}",
        )
