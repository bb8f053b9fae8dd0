"""Compliant Kubernetes inputs shared by the policy tests: a cluster's kubeconfig, a Magnum template.

Each test that needs a failing variant copies one of these and changes the one field it is about,
so that the field it changes is the only reason for the violation it asserts.
"""

from __future__ import annotations

from typing import Any

ADMIN_CIDRS = "10.20.9.0/24"
KUBECONFIG: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Config",
    "clusters": [
        {"name": "lz", "cluster": {"server": "https://10.20.3.10:6443", "certificate-authority-data": "Q0E="}}
    ],
    "contexts": [{"name": "lz", "context": {"cluster": "lz", "user": "admin"}}],
    "current-context": "lz",
    # Client certificate, as RKE2 and Magnum write it. A `token:` line would be refused by
    # access-credential-disallow-plaintext (a token in a provider input, secret or not).
    "users": [{"name": "admin", "user": {"client-certificate-data": "Q0VSVA==", "client-key-data": "S0VZ"}}],
}


def magnum_template(**changes: Any) -> dict[str, Any]:
    """A compliant template, as the program sends it (labels snake_case strings, numbers floats)."""
    props: dict[str, Any] = {
        "name": "k8s-hardened",
        "coe": "kubernetes",
        "image": "fedora-coreos-40",
        "dockerVolumeSize": 50.0,
        "tlsDisabled": False,
        "public": False,
        "registryEnabled": False,
        "floatingIpEnabled": False,
        "masterLbEnabled": True,
        "labels": {
            "kube_tag": "v1.30.4",
            "boot_volume_type": "encrypted-luks",
            "master_lb_floating_ip_enabled": "false",
            "master_lb_allowed_cidrs": ADMIN_CIDRS,
            "api_master_lb_allowed_cidrs": ADMIN_CIDRS,
        },
    }
    props.update(changes)
    return props
