"""Which provider and which bucket a resource is: the type tokens the pack knows, whether a
provider is one the engine created by default, and where an explicit OpenStack provider leads.
Shared by the sovereignty, encryption, access and data-protection policies."""

from __future__ import annotations

import re
from typing import Any

from . import offers
from .settings import Settings
from .values import get_str, is_provider_type

OPENSTACK_PROVIDER = "pulumi:providers:openstack"
BUCKET_TYPE = "pulumi-python:dynamic/object_storage:EncryptedBucket"

# The engine's default-provider names (pulumi/pulumi pkg/resource/deploy/providers,
# ProviderRequest.DefaultName): "default", then "_<major>_<minor>_<patch>" and one "_<part>" per
# pre-release and build identifier when a version is requested, then "_" + the plugin download URL
# as a QName (its "://" becomes "___"). An explicit provider named "default-eu" or "default_eu" is
# not a default provider.
DEFAULT_PROVIDER_NAME_RE = re.compile(
    r"default(?:_\d+_\d+_\d+(?:_[0-9A-Za-z-]+)*)?(?:_[A-Za-z][A-Za-z0-9_.]*___[A-Za-z0-9_.]*)?"
)


def is_default_provider(provider: Any) -> bool:
    """Whether a provider (args.provider, or the analysed provider resource itself) is one the engine
    created: its name follows the engine's grammar and its URN type is exactly `pulumi:providers:<pkg>`
    (the engine registers default providers at the stack's root, never under a component)."""
    name = getattr(provider, "name", "") or ""
    if not isinstance(name, str) or not DEFAULT_PROVIDER_NAME_RE.fullmatch(name):
        return False
    rtype = getattr(provider, "resource_type", "") or ""
    if not isinstance(rtype, str) or not is_provider_type(rtype):
        return False
    urn = getattr(provider, "urn", "") or ""
    parts = urn.split("::") if isinstance(urn, str) else []
    return len(parts) < 4 or parts[2] == rtype


def resolve_provider(provider: Any, settings: Settings) -> offers.Resolution | None:
    """Where an explicit OpenStack provider's authUrl and region lead; None for a default provider
    or one without both (the environment would supply them at deploy time)."""
    if is_default_provider(provider):
        return None
    url, region = get_str(provider.props, "authUrl"), get_str(provider.props, "region")
    return offers.resolve_identity(url, region, settings) if url and region else None
