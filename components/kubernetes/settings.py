"""The `kubernetes` section of a stack file: its typed shape (types, ranges, unknown keys).

Self-contained on purpose: `components/config.py` imports it, so it must not import config.py.
The rules that need the offer, the network or the data class live in `components/validation/kubernetes.py`.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool
from pydantic.alias_generators import to_camel

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
ClusterMode = Literal["self-managed", "magnum"]
EncryptionMode = Literal["kms-v2", "secretbox"]
# A DNS label (RFC 1123), as Kubernetes requires for a namespace name.
NAMESPACE_PATTERN = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)


class NodePool(_Model):
    """A set of identical nodes: control plane or workers."""

    count: int = Field(ge=1, le=100)
    """How many nodes; the control plane needs at least 3 in prod (etcd quorum)."""
    flavor: str = Field(min_length=1)
    """The compute flavor name."""
    volume_size: int = Field(default=50, ge=20, le=2000)
    """Boot volume size in GiB, of the stack's encrypted volume type."""
    data_volume_size: int | None = Field(default=None, ge=10, le=10000)
    """An extra encrypted data volume per node in GiB (container images, local storage); None: none."""


class SecretsEncryption(_Model):
    """How the API server encrypts Secrets in etcd, and who can read the key."""

    mode: EncryptionMode = "secretbox"
    """kms-v2: the key stays in the organisation's KMS; secretbox: a local key on control-plane disks."""
    kms_endpoint: str | None = None
    """kms-v2: the https URL of the KMS the organisation operates (Vault/OpenBao transit, its HSM)."""
    kms_key_name: str = Field(default="kubernetes-secrets", pattern=r"^[a-zA-Z0-9_.-]{1,64}$")
    """kms-v2: the name of the key-encryption key in that KMS."""
    kms_plugin_image: str | None = None
    """kms-v2: the KMS v2 plugin image run on each control-plane node (from an allowed registry)."""


class WorkloadNamespace(_Model):
    """A namespace for workloads, with the baseline applied to it."""

    name: str = Field(pattern=NAMESPACE_PATTERN)
    allow_load_balancer: StrictBool = False
    """Allow Services of type LoadBalancer (quota services.loadbalancers > 0)."""
    allow_node_port: StrictBool = False
    """Allow Services of type NodePort (quota services.nodeports > 0)."""
    cpu: str = Field(default="8", pattern=r"^[1-9][0-9]{0,4}(m|\.[0-9]{1,3})?$")
    """ResourceQuota: total CPU requests and limits (a Kubernetes quantity: '8', '500m', '1.5')."""
    memory: str = Field(default="16Gi", pattern=r"^[1-9][0-9]{0,6}(Ki|Mi|Gi|Ti)$")
    """ResourceQuota: total memory requests and limits (a quantity in Ki, Mi, Gi or Ti)."""
    pods: int = Field(default=50, ge=1, le=10000)
    """ResourceQuota: pods."""


class MagnumConfig(_Model):
    """The Magnum mode's template: only where the offer has Magnum."""

    kube_tag: str = Field(pattern=r"^v1\.\d+\.\d+$")
    """The pinned Kubernetes version of the Heat driver (label kube_tag), e.g. v1.30.6."""
    image_id: str = Field(min_length=1)
    """The driver's image (Fedora CoreOS for the Heat driver)."""
    network_driver: Literal["calico", "flannel"] = "calico"


class KubernetesConfig(_Model):
    """One cluster per stack, in the `cluster` zone, and the baseline of its workload namespaces."""

    mode: ClusterMode = "self-managed"
    """self-managed (RKE2 on instances) or magnum (only where the offer has Magnum)."""
    version: str = Field(default="v1.30.6+rke2r1", pattern=r"^v1\.\d+\.\d+\+rke2r\d+$")
    """self-managed: the pinned RKE2 release."""
    image_id: str | None = None
    """self-managed: the nodes' image (a hardened Ubuntu LTS or RHEL-like with cloud-init)."""
    control_plane: NodePool
    workers: NodePool
    volume_type: str | None = None
    """An encrypted volume type; by default the first one the offer or the stack declares."""
    api_allowed_cidrs: tuple[IpNetwork, ...] | None = None
    """Who may reach the API on 6443; only ranges inside the admin zone (its CIDR by default)."""
    registries: Annotated[tuple[str, ...], Field(min_length=1)]
    """Image prefixes allowed in the cluster, each a host (and path) ending in '/', no scheme."""
    namespaces: tuple[WorkloadNamespace, ...] = ()
    secrets_encryption: SecretsEncryption = SecretsEncryption()
    pod_security_version: str = Field(default="v1.30", pattern=r"^v1\.\d+$|^latest$")
    """The Pod Security Standards version pinned on every workload namespace."""
    magnum: MagnumConfig | None = None
