"""The ingress: what pydantic cannot say about the `ingress` key (the certificate reference's
shape, the issuer's country, the members' zone, the flows that must exist for it)."""

from __future__ import annotations

from ..catalogue import OfferCatalogue
from ..config import StackConfig, key
from ..errors import ConfigError
from ..ingress_config import BARBICAN_CONTAINER_REF
from .flows import port_range, zone_or_cidr


def check_ingress(cfg: StackConfig, catalogue: OfferCatalogue) -> None:
    """The rules pydantic cannot express: the ref's shape, the issuer's country, the members' zone."""
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

    return any(
        flow.to == "dmz"
        and flow.protocol == "tcp"
        and (bounds := port_range(flow.ports)) is not None
        and bounds[0] <= port <= bounds[1]
        and not isinstance(zone_or_cidr(flow.source), str)
        for flow in cfg.flows
    )
