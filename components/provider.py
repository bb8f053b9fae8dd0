"""The explicit OpenStack provider of a stack, bound to one offer and region."""

from __future__ import annotations

import pulumi
import pulumi_openstack as openstack

from .catalogue import OfferProfile
from .config import PROJECT, StackConfig
from .validation.offer import keystone_url


def sovereign_provider(
    name: str, cfg: StackConfig, offer: OfferProfile, opts: pulumi.ResourceOptions | None = None
) -> openstack.Provider:
    """An explicit provider: its endpoint and region are visible to review and to the policy pack.

    TLS verification is always on (insecure is set explicitly so OS_INSECURE cannot flip it).
    Credentials come, by preference, from the environment of whoever runs `pulumi up`
    (OS_APPLICATION_CREDENTIAL_ID / OS_APPLICATION_CREDENTIAL_SECRET, read by the provider plugin
    at run time, so they never reach the state); or from secret stack config, sent as secrets.
    """
    secrets = pulumi.Config(PROJECT)
    credential_secret = secrets.get_secret("openstackApplicationCredentialSecret")
    return openstack.Provider(
        name,
        auth_url=keystone_url(cfg, offer),
        region=cfg.region,
        insecure=False,
        cacert_file=cfg.ca_cert_file,
        application_credential_id=cfg.openstack_application_credential_id,
        application_credential_secret=credential_secret,
        opts=pulumi.ResourceOptions.merge(
            opts,
            pulumi.ResourceOptions(additional_secret_outputs=["applicationCredentialSecret", "token"]),
        ),
    )
