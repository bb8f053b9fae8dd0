"""The `ingress` key: the dmz's TLS entry point (an Octavia load balancer).

The certificate is not handled by the program: the organisation stores it in Barbican (a
certificate container holding the certificate, its chain and its private key) and gives the
container's reference, so the private key never enters the stack's state. The issuer's country,
where the organisation states it, lets the pack check that the CA is in the EU (SecNumCloud 3.2
10.6.a); the program refuses a non-EU one before planning anything.
"""

from __future__ import annotations

import ipaddress
import re

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

# Barbican's container references: https://<key-manager endpoint>[/path]/v1/containers/<uuid>.
BARBICAN_CONTAINER_REF = re.compile(
    r"^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~-]+)*/v1/containers/"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)
ONE_YEAR = 31_536_000


class IngressConfig(BaseModel):
    """The public HTTPS entry point in the dmz, forwarding over TLS to the app zone."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)

    certificate_ref: str
    """The Barbican certificate container's reference (https://.../v1/containers/<uuid>)."""
    certificate_issuer_country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    """ISO code of the issuing CA's country, when known: it must be an EU member state."""
    members: tuple[ipaddress.IPv4Address, ...] = Field(min_length=1)
    """Addresses of the application servers in the app zone."""
    backend_port: int = Field(default=8443, ge=1, le=65535)
    """The TLS port of the application servers (a flow dmz -> app must declare it)."""
    hsts_max_age: int = Field(default=ONE_YEAR, ge=ONE_YEAR, le=2 * ONE_YEAR)
    """Strict-Transport-Security max-age in seconds (at least a year)."""
    hsts_include_subdomains: bool = True
    redirect_prefix: str | None = Field(default=None, pattern=r"^https://[^\s]+$")
    """When set, a plain-HTTP listener on 80 only redirects to this https:// prefix."""
