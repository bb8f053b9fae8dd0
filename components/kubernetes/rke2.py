"""Cloud-init user data of an RKE2 node, hardened with `profile: cis`.

RKE2's CIS profile refuses to start unless the host has an `etcd` user and the kernel parameters of
rke2-cis-sysctl.conf (RKE2 hardening guide); both are set here before RKE2 starts. RKE2 itself is
installed from the artifacts the organisation bakes into the image (INSTALL_RKE2_ARTIFACT_PATH), so
no node downloads software from the internet at boot.

The join token is in the text: the caller wraps the whole user data as a Pulumi secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import yaml

from .audit import audit_policy
from .encryption import kms_encryption_config
from .flows import API_PORT, CNI, SUPERVISOR_PORT

Role = Literal["server", "agent"]
CONFIG_DIR = "/etc/rancher/rke2"
AUDIT_POLICY_PATH = f"{CONFIG_DIR}/audit-policy.yaml"
AUDIT_LOG_PATH = "/var/lib/rancher/rke2/server/logs/audit.log"
ENCRYPTION_PATH = f"{CONFIG_DIR}/encryption-kms.yaml"
TOKEN_PATH = f"{CONFIG_DIR}/join-token"
KMS_MANIFEST_PATH = "/var/lib/rancher/rke2/agent/pod-manifests/kms-plugin.yaml"
ARTIFACTS = "/opt/rke2-artifacts"
# From rke2-cis-sysctl.conf (RKE2 hardening guide): RKE2 exits under profile: cis without them.
CIS_SYSCTLS = {
    "vm.panic_on_oom": "0",
    "vm.overcommit_memory": "1",
    "kernel.panic": "10",
    "kernel.panic_on_oops": "1",
}


@dataclass(frozen=True)
class NodeSettings:
    """What a node's user data depends on, all from validated config."""

    role: Role
    version: str
    """The pinned RKE2 release; the image carries its artifacts."""
    api_address: str
    """The API load balancer's fixed VIP: servers put it in their certificate, nodes join through it."""
    first_server: bool = False
    """The node that initialises etcd; every other node joins through the load balancer."""
    audit_log_days: int = 180
    """How long the API server keeps audit logs on disk: the logs bucket's retention."""
    kms: tuple[str, str, str] | None = None
    """(plugin image, KMS endpoint, key name) for KMS v2; None: RKE2's local secretbox key."""
    dedicated_control_plane: bool = True
    """Taint servers so that workloads run on workers only."""


def _server_config(s: NodeSettings) -> dict[str, Any]:
    config: dict[str, Any] = {
        "profile": "cis",
        "token-file": TOKEN_PATH,
        "cni": CNI,
        "tls-san": [s.api_address],
        "write-kubeconfig-mode": "0600",
        "audit-policy-file": AUDIT_POLICY_PATH,
        "kube-apiserver-arg": [
            f"audit-log-path={AUDIT_LOG_PATH}",
            f"audit-log-maxage={s.audit_log_days}",
            "audit-log-maxbackup=0",
            "audit-log-maxsize=100",
        ],
        "etcd-expose-metrics": False,
    }
    if not s.first_server:
        config["server"] = f"https://{s.api_address}:{SUPERVISOR_PORT}"
    if s.kms is None:
        config["secrets-encryption-provider"] = "secretbox"
    else:
        # A user-supplied apiserver flag replaces RKE2's own encryption-provider-config.
        config["kube-apiserver-arg"].append(f"encryption-provider-config={ENCRYPTION_PATH}")
    if s.dedicated_control_plane:
        config["node-taint"] = ["CriticalAddonsOnly=true:NoExecute"]
    return config


def _kms_plugin_pod(image: str, endpoint: str, key_name: str) -> dict[str, Any]:
    # A static pod on each control-plane node; it authenticates to the KMS with a credential the
    # organisation delivers to the node itself, never through user data (docs/kubernetes.md).
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "kms-plugin", "namespace": "kube-system"},
        "spec": {
            "priorityClassName": "system-node-critical",
            "containers": [
                {
                    "name": "kms-plugin",
                    "image": image,
                    "env": [
                        {"name": "KMS_ENDPOINT", "value": endpoint},
                        {"name": "KMS_KEY_NAME", "value": key_name},
                        {"name": "KMS_LISTEN", "value": "unix:///var/run/kms/kms.sock"},
                    ],
                    "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True},
                    "volumeMounts": [{"name": "kms-socket", "mountPath": "/var/run/kms"}],
                }
            ],
            "volumes": [
                {"name": "kms-socket", "hostPath": {"path": "/var/run/kms", "type": "DirectoryOrCreate"}}
            ],
        },
    }


def _file(path: str, content: str, mode: str = "0600") -> dict[str, str]:
    return {"path": path, "owner": "root:root", "permissions": mode, "content": content}


def _dump(value: Any) -> str:
    return yaml.safe_dump(value, sort_keys=False)


def node_user_data(s: NodeSettings, token: str) -> str:
    """The whole #cloud-config of one node. Secret: it holds the join token."""
    server = s.role == "server"
    config = (
        _server_config(s)
        if server
        else {
            "profile": "cis",
            "token-file": TOKEN_PATH,
            "server": f"https://{s.api_address}:{SUPERVISOR_PORT}",
        }
    )
    sysctl = "".join(f"{k}={v}\n" for k, v in CIS_SYSCTLS.items())
    files = [
        _file("/etc/sysctl.d/60-rke2-cis.conf", sysctl, "0644"),
        _file(f"{CONFIG_DIR}/config.yaml", _dump(config)),
        _file(TOKEN_PATH, token + "\n"),
    ]
    if server:
        files.append(_file(AUDIT_POLICY_PATH, _dump(audit_policy())))
        if s.kms is not None:
            files.append(_file(ENCRYPTION_PATH, _dump(kms_encryption_config())))
            files.append(_file(KMS_MANIFEST_PATH, _dump(_kms_plugin_pod(*s.kms))))
    service = "rke2-server" if server else "rke2-agent"
    runcmd: list[list[str]] = [
        ["useradd", "-r", "-c", "etcd user", "-s", "/sbin/nologin", "-M", "etcd", "-U"],
        ["sysctl", "-p", "/etc/sysctl.d/60-rke2-cis.conf"],
        [
            "env",
            f"INSTALL_RKE2_VERSION={s.version}",
            f"INSTALL_RKE2_TYPE={s.role}",
            f"INSTALL_RKE2_ARTIFACT_PATH={ARTIFACTS}",
            "sh",
            f"{ARTIFACTS}/install.sh",
        ],
        ["systemctl", "enable", "--now", f"{service}.service"],
    ]
    document = {"write_files": files, "runcmd": runcmd}
    return "#cloud-config\n" + _dump(document)


__all__ = ["API_PORT", "NodeSettings", "node_user_data"]
