"""The landing zone's plan: every child's arguments, computed and checked from a validated
StackConfig as plain data, before LandingZone registers anything (a bad stack file plans nothing).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

from .backups import BACKUP_BUCKET
from .bastion_sshd import JumpTarget
from .catalogue import OfferProfile, load_catalogue
from .config import ALL_ZONES, IpAddress, StackConfig, key
from .errors import ConfigError
from .flow_matrix import MatrixEntry, build_flow_matrix
from .kms import check_imported_material, imported_material_from_config
from .kubernetes.flows import cluster_flows
from .kubernetes.plan import ClusterPlan, plan_cluster
from .object_storage import Ec2CredentialArgs, EncryptedBucketArgs, ObjectLockArgs, validate_args
from .supervision import supervision_flows
from .validation.bastion import bastion_volume_type, jump_targets
from .volumes import EncryptedVolumeArgs, known_encrypted_volume_types, select_encrypted_volume_type


def resolvers(cfg: StackConfig, offer: OfferProfile) -> tuple[IpAddress, ...]:
    if cfg.network.dns_resolvers is not None:
        return cfg.network.dns_resolvers
    return tuple(ipaddress.ip_address(a) for a in offer.dns_resolvers)


@dataclass(frozen=True)
class LandingZonePlan:
    """Everything the landing zone will build, checked, before any resource exists."""

    cfg: StackConfig
    offer: OfferProfile
    matrix: tuple[MatrixEntry, ...]
    dns: tuple[str, ...]
    bastion_volume_type: str | None
    jump_targets: tuple[JumpTarget, ...]
    imported_material: Mapping[str, str]
    buckets: tuple[tuple[str, EncryptedBucketArgs], ...]
    cluster: ClusterPlan | None = None
    collector_volume_type: str | None = None
    data_volumes: tuple[tuple[str, EncryptedVolumeArgs], ...] = ()


def _bucket_args(cfg: StackConfig) -> tuple[tuple[str, EncryptedBucketArgs], ...]:
    keys = {spec.name: spec for spec in cfg.keys}
    planned = []
    for i, bucket in enumerate(cfg.buckets):
        spec = keys.get(bucket.key) if bucket.key else None
        args = EncryptedBucketArgs(
            bucket_name=bucket.bucket_name or f"{cfg.name_prefix}-{cfg.environment}-{bucket.name}",
            offer=cfg.offer,
            region=cfg.region,
            endpoint_url=cfg.endpoints.s3,
            # The S3 endpoint a stack declares is approved by that declaration, reviewed with it.
            approved_endpoints=(cfg.endpoints.s3,) if cfg.endpoints.s3 else (),
            credentials=Ec2CredentialArgs(),
            purpose=bucket.purpose,
            data_class=bucket.data_class or cfg.data_classification,
            custody=spec.custody if spec else "provider-managed",
            object_lock=ObjectLockArgs(days=bucket.object_lock_days) if bucket.object_lock_days else None,
            noncurrent_version_days=bucket.noncurrent_version_days,
            force_destroy=bucket.force_destroy,
            accepted_gateway_limits=bucket.accepted_gateway_limits,
            protect=cfg.protect,
        )
        try:
            validate_args(args)
        except ConfigError as err:
            raise ConfigError(f"{key(f'buckets[{i}]')} ({err.key})", err.value, err.allowed) from None
        planned.append((bucket.name, args))
    return tuple(planned)


def collector_volume_type(cfg: StackConfig, offer: OfferProfile) -> str:
    requested = cfg.supervision.volume_type if cfg.supervision else None
    known = known_encrypted_volume_types(offer, cfg.encrypted_volume_types)
    return select_encrypted_volume_type(known, requested, key=key("supervision.volumeType"))


def _backup_bucket(cfg: StackConfig) -> tuple[tuple[str, EncryptedBucketArgs], ...]:
    args = backup_bucket_args(cfg)
    if args is None:
        return ()
    try:
        validate_args(args)
    except ConfigError as err:
        raise ConfigError(f"{key('backups')} ({err.key})", err.value, err.allowed) from None
    return ((BACKUP_BUCKET, args),)


def _data_volumes(cfg: StackConfig, offer: OfferProfile) -> tuple[tuple[str, EncryptedVolumeArgs], ...]:
    known = known_encrypted_volume_types(offer, cfg.encrypted_volume_types)
    planned = []
    for i, vol in enumerate(cfg.data_volumes):
        at = key(f"dataVolumes[{i}].volumeType")
        planned.append(
            (
                vol.name,
                EncryptedVolumeArgs(
                    size_gb=vol.size,
                    known_encrypted_types=known,
                    volume_type=select_encrypted_volume_type(known, vol.volume_type, key=at),
                    volume_type_key=at,
                    description=f"Data zone: {vol.name}",
                    data_class=cfg.data_classification,
                    protect=cfg.protect,
                ),
            )
        )
    return tuple(planned)


def plan_landing_zone(cfg: StackConfig) -> LandingZonePlan:
    offer = load_catalogue().offer(cfg.offer)
    zones = tuple(z for z in ALL_ZONES if z in cfg.network.zones)
    dns = resolvers(cfg, offer)
    material = imported_material_from_config(cfg.keys) if cfg.keys else {}
    check_imported_material(cfg.keys, material)
    return LandingZonePlan(
        cfg=cfg,
        offer=offer,
        matrix=build_flow_matrix(
            cfg.flows,
            cfg.admin_cidrs,
            dns,
            zones,
            (
                *(cluster_flows() if cfg.kubernetes else ()),
                *(supervision_flows(zones) if cfg.supervision else ()),
            ),
        ),
        dns=tuple(str(a) for a in dns),
        bastion_volume_type=bastion_volume_type(cfg, offer) if cfg.bastion else None,
        jump_targets=jump_targets(cfg),
        imported_material=material,
        buckets=_bucket_args(cfg) + _backup_bucket(cfg),
        cluster=plan_cluster(cfg, offer, f"{cfg.name_prefix}-k8s"),
        collector_volume_type=collector_volume_type(cfg, offer) if cfg.supervision else None,
        data_volumes=_data_volumes(cfg, offer),
    )


def backup_bucket_args(cfg: StackConfig) -> EncryptedBucketArgs | None:
    """The backup bucket in the backup region, customer-held, locked for the retention."""
    backups = cfg.backups
    if backups is None:
        return None
    return EncryptedBucketArgs(
        bucket_name=f"{cfg.name_prefix}-{cfg.environment}-{BACKUP_BUCKET}",
        offer=cfg.offer,
        region=backups.region,
        credentials=Ec2CredentialArgs(),
        purpose="backup",
        data_class=cfg.data_classification,
        custody="customer-held",
        object_lock=ObjectLockArgs(mode="COMPLIANCE", days=backups.retention_days),
        noncurrent_version_days=backups.retention_days,
        protect=cfg.protect,
        endpoint_url=backups.s3_endpoint,
        approved_endpoints=(backups.s3_endpoint,) if backups.s3_endpoint else (),
    )
