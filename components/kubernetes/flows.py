"""The flows a cluster needs, as entries of the authorised-flow matrix (SecNumCloud 3.2 13.1).

They are generated, with their justification, whenever the stack has a `kubernetes` section, so
the reviewer reads the cluster's ports in the same matrix as every other flow. The CNI is Canal
(Calico network policy over a Flannel VXLAN overlay), RKE2's default: its only node-to-node port
is VXLAN on UDP 8472; Calico's BGP (179) and Typha (5473) are not used by Canal.
"""

from __future__ import annotations

from ..config import CLUSTER_ZONE
from ..flow_matrix import MatrixEntry

API_PORT = 6443
SUPERVISOR_PORT = 9345
CNI = "canal"

_NODE_FLOWS: tuple[tuple[str, int, int, str], ...] = (
    (
        "tcp",
        API_PORT,
        API_PORT,
        "Kubernetes API: nodes, and the API load balancer's health checks and traffic",
    ),
    ("tcp", SUPERVISOR_PORT, SUPERVISOR_PORT, "RKE2 supervisor: nodes join the cluster with the join token"),
    ("tcp", 2379, 2380, "etcd client and peer traffic between control-plane nodes (mutual TLS)"),
    ("tcp", 10250, 10250, "kubelet API: the API server reaches each node's kubelet (logs, exec, metrics)"),
    ("udp", 8472, 8472, "Canal CNI overlay: Flannel VXLAN between nodes carries pod-to-pod traffic"),
)
ADMIN_API = (
    "Administrators reach the Kubernetes API from the admin zone only, through the bastion "
    "(SecNumCloud 3.2 9.6.d, ANSSI PA-022 R15); the load balancer's allowedCidrs say the same"
)


def cluster_flows() -> tuple[MatrixEntry, ...]:
    """The node flows inside the cluster zone, and the API from the admin zone."""
    inside = tuple(
        MatrixEntry(CLUSTER_ZONE, CLUSTER_ZONE, proto, low, high, why, "design")
        for proto, low, high, why in _NODE_FLOWS
    )
    return (*inside, MatrixEntry("admin", CLUSTER_ZONE, "tcp", API_PORT, API_PORT, ADMIN_API, "design"))
