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
from .config import ALL_ZONES, CLUSTER_KUBECONFIG, PROJECT, IpAddress, StackConfig, key
from .errors import ConfigError
from .flow_matrix import MatrixEntry, build_flow_matrix
from .ingress import TlsIngress, ingress_args
from .kms import (
    CustomerHeldKeys,
    CustomerHeldKeysArgs,
    check_imported_material,
    imported_material_from_config,
)
from .kubernetes.baseline import ClusterBaseline, ClusterBaselineArgs
from .kubernetes.cluster import SovereignCluster
from .kubernetes.flows import cluster_flows
from .kubernetes.plan import ClusterPlan, kubeconfig_for_preview, plan_cluster, with_network
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


class LandingZone(pulumi.ComponentResource):
    """Provider, network, keys, buckets and bastion of one environment."""

    offer: OfferProfile
    network: SegmentedNetwork
    keys: CustomerHeldKeys | None
    buckets: dict[str, EncryptedBucket]
    bastion: Bastion | None
    cluster: SovereignCluster | None
    baseline: ClusterBaseline | None
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
        self._kubernetes(name, plan, child)
        self.flow_matrix = self.network.flow_matrix
        custody = [
            *(self.keys.key_custody if self.keys else []),
            *(self.cluster.key_custody if self.cluster else []),
        ]
        self.key_custody = custody or None
        self.register_outputs(
            {
                "offer": self.offer.key,
                "region": cfg.region,
                "environment": cfg.environment,
                FLOW_MATRIX.output: self.flow_matrix,
                KEY_CUSTODY.output: self.key_custody,
                "bucket_names": {k: b.bucket_name for k, b in self.buckets.items()},
                "bastion_address": self.bastion.public_address if self.bastion else None,
                "kubernetes_api": self.cluster.api_endpoint if self.cluster else None,
            }
        )

    def _kubernetes(self, name: str, plan: LandingZonePlan, child: pulumi.ResourceOptions) -> None:
        """The cluster in the cluster zone, and its baseline once a kubeconfig exists."""
        self.cluster = self.baseline = None
        k8s = plan.cfg.kubernetes
        if plan.cluster is None or k8s is None:
            return
        zone = "cluster"
        self.cluster = SovereignCluster(
            f"{name}-k8s",
            with_network(
                plan.cluster,
                self.network.network_ids[zone],
                self.network.subnet_ids[zone],
                self.network.security_group_ids[zone],
            ),
            child,
        )
        # Magnum returns the kubeconfig; a self-managed cluster's is fetched through the bastion
        # after the first run and set as the secret config clusterKubeconfig (docs/kubernetes.md).
        configured = pulumi.Config(PROJECT).get_secret(CLUSTER_KUBECONFIG)
        kubeconfig = self.cluster.kubeconfig or (kubeconfig_for_preview(configured) if configured else None)
        if kubeconfig is None:
            pulumi.log.info(
                f"ClusterBaseline waits for the kubeconfig: set {key(CLUSTER_KUBECONFIG)} (secret) "
                "once the cluster is up, then run again (docs/kubernetes.md)",
                self,
            )
            return
        self.baseline = ClusterBaseline(
            f"{name}-k8s-baseline",
            ClusterBaselineArgs(
                kubeconfig=kubeconfig,
                registries=k8s.registries,
                namespaces=k8s.namespaces,
                pod_security_version=k8s.pod_security_version,
            ),
            pulumi.ResourceOptions(parent=self, depends_on=[self.cluster]),
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
