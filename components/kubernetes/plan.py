"""The cluster's arguments, computed and checked from the StackConfig before any resource exists."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pulumi
from pulumi.output import UNKNOWN

from ..catalogue import OfferProfile
from ..config import StackConfig
from ..imported_keys import OFFLINE_PLACEHOLDER
from ..network import cluster_api_address
from ..object_storage_args import LOG_MIN_RETENTION_DAYS
from ..supervision import log_shipping
from ..validation.kubernetes import api_allowed_cidrs, cluster_volume_type
from .cluster_args import ClusterNetwork, SovereignClusterArgs
from .encryption import cluster_custody_rows


@dataclass(frozen=True)
class ClusterPlan:
    """The cluster's arguments, without the network ids that exist only once the network does."""

    args: SovereignClusterArgs


def audit_log_days(cfg: StackConfig) -> int:
    """The retention the logs buckets enforce (the longest), at least six months (SecNumCloud 12.6.c)."""
    days = [b.object_lock_days or LOG_MIN_RETENTION_DAYS for b in cfg.buckets if b.purpose == "logs"]
    return max([LOG_MIN_RETENTION_DAYS, *days])


def plan_cluster(cfg: StackConfig, offer: OfferProfile, name: str) -> ClusterPlan | None:
    k8s = cfg.kubernetes
    if k8s is None:
        return None
    zone = cfg.network.zones["cluster"]
    enc = k8s.secrets_encryption
    kms = (
        (enc.kms_plugin_image or "", enc.kms_endpoint or "", enc.kms_key_name)
        if enc.mode == "kms-v2"
        else None
    )
    network = ClusterNetwork(
        network_id="",
        subnet_id="",
        security_group_id="",
        zone_cidr=str(zone),
        api_address=cluster_api_address(zone),  # type: ignore[arg-type]
        api_allowed_cidrs=api_allowed_cidrs(cfg),
        external_network_id=cfg.network.external_network_id,
    )
    args = SovereignClusterArgs(
        network=network,
        control_plane=k8s.control_plane,
        workers=k8s.workers,
        volume_type=cluster_volume_type(cfg, offer),
        custody=tuple(cluster_custody_rows(name, k8s, cfg.data_classification)),
        mode=k8s.mode,
        version=k8s.version,
        image_id=k8s.image_id or "",
        ssh_public_key=cfg.bastion.ssh_public_keys[0] if cfg.bastion else None,
        audit_log_days=audit_log_days(cfg),
        kms=kms if k8s.mode == "self-managed" else None,
        magnum=k8s.magnum,
        protect=cfg.protect,
        log_shipping=log_shipping(cfg.supervision, cfg.network.zones) if cfg.supervision else None,
    )
    return ClusterPlan(args=args)


def with_network(
    plan: ClusterPlan,
    network_id: pulumi.Input[str],
    subnet_id: pulumi.Input[str],
    security_group_id: pulumi.Input[str],
) -> SovereignClusterArgs:
    net = replace(
        plan.args.network, network_id=network_id, subnet_id=subnet_id, security_group_id=security_group_id
    )
    return replace(plan.args, network=net)


async def _resolved(value: Any) -> Any:
    return value


def kubeconfig_for_preview(kubeconfig: pulumi.Output[str]) -> pulumi.Output[str]:
    """The secret kubeconfig, or an unknown value where preflight could not decrypt it.

    Offline, preflight stands a marker in for every secret config value (imported_keys does the
    same for key material). The marker is no kubeconfig: sent as such, the pack would judge a
    cluster that does not exist. An unknown value is the truth of an offline preview, and the
    pack reports what it could not check.
    """

    def unknown_if_marker(value: str) -> pulumi.Output[str] | str:
        if value != OFFLINE_PLACEHOLDER or not pulumi.runtime.is_dry_run():
            return value
        return pulumi.Output(set(), _resolved(UNKNOWN), _resolved(False), _resolved(True))

    return pulumi.Output.secret(kubeconfig.apply(unknown_if_marker))
