"""The `ingress` key: the dmz's TLS entry point (an Octavia load balancer), and its checks.

The certificate is not handled by the program: the organisation stores it in Barbican (a
certificate container holding the certificate, its chain and its private key) and gives the
container's reference, so the private key never enters the stack's state. The issuer's country,
where the organisation states it, lets the pack check that the CA is in the EU (SecNumCloud 3.2
10.6.a); the program refuses a non-EU one before planning anything.
"""

from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from .errors import ConfigError

if TYPE_CHECKING:
    from .catalogue import OfferCatalogue
    from .config import StackConfig

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


def check_ingress(cfg: StackConfig, catalogue: OfferCatalogue) -> None:
    """The rules pydantic cannot express: the ref's shape, the issuer's country, the members' zone."""
    from .config import key
    from .validation.flows import port_range

    ingress = cfg.ingress
    if ingress is None:
        return
    if not BARBICAN_CONTAINER_REF.match(ingress.certificate_ref):
        raise ConfigError(
            key("ingress.certificateRef"),
            ingress.certificate_ref,
            "a Barbican certificate container reference: https://<key-manager>/v1/containers/<uuid>",
        )
    country = ingress.certificate_issuer_country
    if country is not None and country not in catalogue.eu_countries:
        raise ConfigError(
            key("ingress.certificateIssuerCountry"),
            country,
            f"a CA of an EU member state (SecNumCloud 3.2 10.6.a): {sorted(catalogue.eu_countries)}",
        )
    app = cfg.network.zones["app"]
    for i, member in enumerate(ingress.members):
        if member not in app:
            raise ConfigError(key(f"ingress.members[{i}]"), str(member), f"an address of the app zone {app}")
    declared = any(
        flow.source == "dmz"
        and flow.to == "app"
        and flow.protocol == "tcp"
        and (bounds := port_range(flow.ports)) is not None
        and bounds[0] <= ingress.backend_port <= bounds[1]
        for flow in cfg.flows
    )
    if not declared:
        raise ConfigError(
            key("ingress.backendPort"),
            ingress.backend_port,
            "a port of a declared tcp flow from dmz to app (flows), so the load balancer can reach it",
        )
    if ingress.redirect_prefix and not _public_flow_to_dmz(cfg, 80):
        raise ConfigError(
            key("ingress.redirectPrefix"),
            ingress.redirect_prefix,
            "unset, or a declared flow from outside to dmz on tcp port 80 (flows) for the redirect",
        )


def _public_flow_to_dmz(cfg: StackConfig, port: int) -> bool:
    from .validation.flows import port_range, zone_or_cidr

    return any(
        flow.to == "dmz"
        and flow.protocol == "tcp"
        and (bounds := port_range(flow.ports)) is not None
        and bounds[0] <= port <= bounds[1]
        and not isinstance(zone_or_cidr(flow.source), str)
        for flow in cfg.flows
    )
