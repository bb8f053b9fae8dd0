"""OpenStack resources the policy tests share: a bastion instance booting from an encrypted volume,
and a Barbican key, both compliant, so that a test changes only the field it is about."""

from __future__ import annotations

from typing import Any

from .conftest import secret

VOLUME = "openstack:blockstorage/volume:Volume"
INSTANCE = "openstack:compute/instance:Instance"
SECRET = "openstack:keymanager/secretV1:SecretV1"
OS_PROVIDER = "pulumi:providers:openstack"
BASTION_USER_DATA = "#cloud-config\nwrite_files:\n  - content: |\n      PasswordAuthentication no\n"
BOOT = {
    "sourceType": "image",
    "uuid": "img",
    "destinationType": "volume",
    "volumeSize": 20,
    "volumeType": "classic-luks",
    "bootIndex": 0,
    "deleteOnTermination": True,
}
BASTION = {
    "flavorName": "b3-8",
    "keyPair": "kp",
    "blockDevices": [BOOT],
    "userData": BASTION_USER_DATA,
    "metadata": {"role": "bastion"},
    "tags": ["role:bastion"],
}
KMS_KEY = {
    "name": "app-key",
    "algorithm": "aes",
    "bitLength": 256,
    "mode": "gcm",
    "secretType": "symmetric",
    "payload": secret("base64material"),
    "payloadContentType": "application/octet-stream",
    "payloadContentEncoding": "base64",
    "metadata": {"data-class": "internal", "purpose": "application"},
    "acl": {"read": {"projectAccess": False, "users": ["u1"]}},
}


def without(props: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in keys}
