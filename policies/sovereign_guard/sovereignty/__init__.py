"""Sovereignty policies, one subject per module, in the order the pack runs them.

- packages.py: only the sovereign provider packages;
- providers.py: explicit providers, pointing to a catalogue offer or an approved endpoint;
- qualification.py: a valid SecNumCloud qualification where needed, and its renewal margin;
- tls.py: providers verify TLS and never use plain HTTP;
- bucket_endpoint.py: buckets on a catalogue offer's S3 endpoint and EU region.

Which provider or bucket a resource is (shared with other areas) lives in provider_identity.py.
"""

from __future__ import annotations

# Re-exported for modules written before the split (`from .sovereignty import BUCKET_TYPE`); new
# code imports them from provider_identity.
from ..provider_identity import BUCKET_TYPE, OPENSTACK_PROVIDER, is_default_provider, resolve_provider
from .bucket_endpoint import BUCKET_ENDPOINT
from .packages import PACKAGES
from .providers import DEFAULT_PROVIDER, ENDPOINT
from .qualification import QUALIFICATION, RENEWAL
from .tls import INSECURE_TLS

POLICIES = (PACKAGES, ENDPOINT, DEFAULT_PROVIDER, QUALIFICATION, RENEWAL, INSECURE_TLS, BUCKET_ENDPOINT)

__all__ = [
    "BUCKET_ENDPOINT",
    "BUCKET_TYPE",
    "DEFAULT_PROVIDER",
    "ENDPOINT",
    "INSECURE_TLS",
    "OPENSTACK_PROVIDER",
    "PACKAGES",
    "POLICIES",
    "QUALIFICATION",
    "RENEWAL",
    "is_default_provider",
    "resolve_provider",
]
