"""LandingZone: the whole environment of one stack, composed from a validated StackConfig.

`plan_landing_zone` (landing_zone_plan.py) computes and checks every child's arguments first, as
plain data; only then does LandingZone register anything, so a bad stack file plans nothing at all.
"""

from __future__ import annotations

from dataclasses import replace

import pulumi

from review_tables import FLOW_MATRIX, KEY_CUSTODY

from .bastion import Bastion, BastionArgs
from .catalogue import OfferProfile
from .config import CLUSTER_KUBECONFIG, PROJECT, key
from .ingress import TlsIngress, ingress_args
from .kms import (
    CustomerHeldKeys,
    CustomerHeldKeysArgs,
)
from .kubernetes.baseline import ClusterBaseline, ClusterBaselineArgs
from .kubernetes.cluster import SovereignCluster
from .kubernetes.plan import kubeconfig_for_preview, with_network
from .landing_zone_plan import LandingZonePlan, plan_landing_zone
from .network import SegmentedNetwork, SegmentedNetworkArgs
from .object_storage import (
    Ec2CredentialArgs,
    EncryptedBucket,
)
from .provider import sovereign_provider
from .supervision import LogCollector, LogCollectorArgs, collector_address, log_shipping
from .volumes import (
    EncryptedVolume,
)

__all__ = ["LandingZone", "LandingZonePlan", "plan_landing_zone"]


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
                protect=plan.cfg.protect,
            ),
            child,
        )
