"""LandingZone: the whole environment of one stack, composed from a validated StackConfig.

`plan_landing_zone` computes and checks every child's arguments first, as plain data; only then
does LandingZone register anything, so a bad stack file plans nothing at all.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, replace

import pulumi

from review_tables import FLOW_MATRIX, KEY_CUSTODY

from .backups import BACKUP_BUCKET, backup_bucket_args
from .bastion import Bastion, BastionArgs
from .bastion_sshd import JumpTarget
from .catalogue import OfferProfile, load_catalogue
from .config import IpAddress, StackConfig, key
from .errors import ConfigError
from .flow_matrix import MatrixEntry, build_flow_matrix
from .ingress import TlsIngress, ingress_args
from .kms import (
    CustomerHeldKeys,
    CustomerHeldKeysArgs,
    check_imported_material,
    imported_material_from_config,
)
from .network import SegmentedNetwork, SegmentedNetworkArgs
from .object_storage import (
    Ec2CredentialArgs,
    EncryptedBucket,
    EncryptedBucketArgs,
    ObjectLockArgs,
    validate_args,
)
from .provider import sovereign_provider
from .supervision import LogCollector, LogCollectorArgs, collector_address, log_shipping, supervision_flows
from .validation.bastion import bastion_volume_type, jump_targets
from .volumes import (
    EncryptedVolume,
    EncryptedVolumeArgs,
    known_encrypted_volume_types,
    select_encrypted_volume_type,
)


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
    dns = resolvers(cfg, offer)
    material = imported_material_from_config(cfg.keys) if cfg.keys else {}
    check_imported_material(cfg.keys, material)
    return LandingZonePlan(
        cfg=cfg,
        offer=offer,
        matrix=build_flow_matrix(cfg.flows, cfg.admin_cidrs, dns)
        + (supervision_flows() if cfg.supervision else ()),
        dns=tuple(str(a) for a in dns),
        bastion_volume_type=bastion_volume_type(cfg, offer) if cfg.bastion else None,
        jump_targets=jump_targets(cfg),
        imported_material=material,
        buckets=_bucket_args(cfg) + _backup_bucket(cfg),
        collector_volume_type=collector_volume_type(cfg, offer) if cfg.supervision else None,
        data_volumes=_data_volumes(cfg, offer),
    )


class LandingZone(pulumi.ComponentResource):
    """Provider, network, keys, buckets and bastion of one environment."""

    offer: OfferProfile
    network: SegmentedNetwork
    keys: CustomerHeldKeys | None
    buckets: dict[str, EncryptedBucket]
    bastion: Bastion | None
    flow_matrix: list[dict[str, object]]
    key_custody: list[dict[str, object]] | None
    ingress: TlsIngress | None
    collector: LogCollector | None
    volumes: dict[str, EncryptedVolume]

    def __init__(self, name: str, plan: LandingZonePlan, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovereign:landing:LandingZone", name, None, opts)
        cfg = plan.cfg
        self.offer = plan.offer
        provider = sovereign_provider(
            f"{name}-openstack", cfg, self.offer, pulumi.ResourceOptions(parent=self)
        )
        child = pulumi.ResourceOptions(parent=self, provider=provider)

        self.network = SegmentedNetwork(
            f"{name}-net",
            SegmentedNetworkArgs(
                zones={z: n for z, n in cfg.network.zones.items()},  # type: ignore[misc]
                matrix=plan.matrix,
                external_network_id=cfg.network.external_network_id,
                exposed_zones=cfg.network.exposed_zones,
                dns_resolvers=plan.dns,
            ),
            child,
        )

        self.keys = None
        if cfg.keys:
            self.keys = CustomerHeldKeys(
                f"{name}-kms",
                CustomerHeldKeysArgs(
                    keys=cfg.keys, imported_material=plan.imported_material, protect=cfg.protect
                ),
                child,
            )

        self.buckets = {
            logical: EncryptedBucket(
                f"{name}-{logical}",
                replace(args, credentials=Ec2CredentialArgs(provider=provider)),
                child,
            )
            for logical, args in plan.buckets
        }

        self.volumes = {vol: EncryptedVolume(f"{name}-{vol}", args, child) for vol, args in plan.data_volumes}
        self.collector = self._collector(name, plan, child)
        self.bastion = None
        if cfg.bastion is not None and plan.bastion_volume_type is not None:
            self.bastion = Bastion(
                f"{name}-bastion",
                BastionArgs(
                    network_id=self.network.network_ids["admin"],
                    subnet_id=self.network.subnet_ids["admin"],
                    security_group_id=self.network.security_group_ids["admin"],
                    flavor=cfg.bastion.flavor,
                    image_id=cfg.bastion.image_id,
                    ssh_public_keys=cfg.bastion.ssh_public_keys,
                    volume_type=plan.bastion_volume_type,
                    floating_ip_pool=cfg.bastion.floating_ip_pool,
                    volume_size=cfg.bastion.volume_size,
                    jump_targets=plan.jump_targets,
                    second_factor=cfg.bastion.second_factor,
                    log_shipping=log_shipping(cfg.supervision, cfg.network.zones)
                    if cfg.supervision
                    else None,
                ),
                child,
            )
        self.ingress = (
            TlsIngress(f"{name}-ingress", ingress_args(cfg.ingress, self.network), child)
            if cfg.ingress
            else None
        )
        self.flow_matrix = self.network.flow_matrix
        self.key_custody = self.keys.key_custody if self.keys else None
        self.register_outputs(
            {
                "offer": self.offer.key,
                "region": cfg.region,
                "environment": cfg.environment,
                FLOW_MATRIX.output: self.flow_matrix,
                KEY_CUSTODY.output: self.key_custody,
                "bucket_names": {k: b.bucket_name for k, b in self.buckets.items()},
                "bastion_address": self.bastion.public_address if self.bastion else None,
            }
        )

    def _collector(
        self, name: str, plan: LandingZonePlan, child: pulumi.ResourceOptions
    ) -> LogCollector | None:
        sup = plan.cfg.supervision
        if sup is None or plan.collector_volume_type is None:
            return None
        bucket = self.buckets[sup.logs_bucket] if sup.logs_bucket else None
        return LogCollector(
            f"{name}-collector",
            LogCollectorArgs(
                network_id=self.network.network_ids["supervision"],
                subnet_id=self.network.subnet_ids["supervision"],
                security_group_id=self.network.security_group_ids["supervision"],
                address=collector_address(plan.cfg.network.zones),
                flavor=sup.flavor,
                image_id=sup.image_id,
                volume_type=plan.collector_volume_type,
                bucket_name=bucket.bucket_name if bucket else None,
                endpoint_url=bucket.endpoint_url if bucket else None,
                retention_days=sup.retention_days,
                ca_certificate=sup.ca_certificate,
                volume_size=sup.volume_size,
                ssh_public_keys=plan.cfg.bastion.ssh_public_keys if plan.cfg.bastion else (),
            ),
            child,
        )
