"""TlsIngress: the dmz's HTTPS entry point, an Octavia load balancer terminating TLS.

- The listener is TERMINATED_HTTPS on 443 with TLS 1.2 and 1.3 only (ANSSI TLS guide R3, R4) and
  ECDHE AEAD suites only (R6/R7, R10); it adds Strict-Transport-Security (hsts*) so browsers never
  fall back to plain HTTP, and tells the application the client's address and protocol.
- Its certificate is a Barbican container the organisation filled: the program only references it.
- The pool re-encrypts to the application servers of the app zone (tlsEnabled, SecNumCloud 3.2
  10.2): nothing crosses the zones in clear. The pool and its members carry `zone:app`, which is
  how the pack tells the members' zone (policies/sovereign_guard/ingress_pools.py).
- Plain HTTP exists only when a redirect prefix is configured: a listener on 80 with no pool and
  one L7 policy REDIRECT_PREFIX to https.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pulumi
import pulumi_openstack as openstack

if TYPE_CHECKING:
    from .ingress_config import IngressConfig
    from .network import SegmentedNetwork

TLS_VERSIONS = ("TLSv1.2", "TLSv1.3")
# OpenSSL names: ECDHE key exchange (forward secrecy) with AEAD ciphers only. TLS 1.3 suites are
# all ECDHE/AEAD and are chosen by the amphora's OpenSSL.
TLS_CIPHERS = ":".join(
    (
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        "ECDHE-RSA-CHACHA20-POLY1305",
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "ECDHE-RSA-AES128-GCM-SHA256",
    )
)
ISSUER_TAG = "certificate-issuer-country:"


@dataclass(frozen=True)
class TlsIngressArgs:
    """What the ingress is made of; every field comes from a validated StackConfig."""

    subnet_id: pulumi.Input[str]
    """The dmz subnet that holds the VIP."""
    security_group_id: pulumi.Input[str]
    """The dmz security group (the flow matrix's public 443, and 80 when redirecting)."""
    app_subnet_id: pulumi.Input[str]
    """The app zone's subnet, where the members are."""
    certificate_ref: str
    """The Barbican certificate container's reference."""
    members: tuple[str, ...]
    """Application servers' addresses in the app zone."""
    backend_port: int = 8443
    hsts_max_age: int = 31_536_000
    hsts_include_subdomains: bool = True
    certificate_issuer_country: str | None = None
    """ISO code of the CA's country when the organisation states it; becomes a tag the pack reads."""
    redirect_prefix: str | None = None
    """An https:// prefix: a plain-HTTP listener on 80 that only redirects there."""


class TlsIngress(pulumi.ComponentResource):
    """An Octavia load balancer in the dmz: TLS in, TLS out to the app zone."""

    load_balancer_id: pulumi.Output[str]
    vip_address: pulumi.Output[str]
    https_listener_id: pulumi.Output[str]
    redirect_listener_id: pulumi.Output[str] | None

    def __init__(self, name: str, args: TlsIngressArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sovereign:ingress:TlsIngress", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        lb = openstack.loadbalancer.LoadBalancer(
            f"{name}-lb",
            vip_subnet_id=args.subnet_id,
            security_group_ids=[args.security_group_id],
            description="Public HTTPS entry point of the landing zone (dmz)",
            tags=["zone:dmz", "exposure:public"],
            opts=child,
        )
        listener_tags = ["zone:dmz"]
        if args.certificate_issuer_country:
            listener_tags.append(ISSUER_TAG + args.certificate_issuer_country)
        listener = openstack.loadbalancer.Listener(
            f"{name}-https",
            loadbalancer_id=lb.id,
            protocol="TERMINATED_HTTPS",
            protocol_port=443,
            default_tls_container_ref=args.certificate_ref,
            tls_versions=list(TLS_VERSIONS),
            tls_ciphers=TLS_CIPHERS,
            hsts_max_age=args.hsts_max_age,
            hsts_include_subdomains=args.hsts_include_subdomains,
            # The application sees who connected and that it was over TLS (its own redirects stay https).
            insert_headers={"X-Forwarded-For": "true", "X-Forwarded-Proto": "true"},
            description="TLS 1.2/1.3, ECDHE AEAD suites, HSTS (ANSSI TLS guide)",
            tags=listener_tags,
            opts=child,
        )
        pool = openstack.loadbalancer.Pool(
            f"{name}-pool",
            listener_id=listener.id,
            protocol="HTTP",
            lb_method="LEAST_CONNECTIONS",
            tls_enabled=True,
            tls_versions=list(TLS_VERSIONS),
            tls_ciphers=TLS_CIPHERS,
            description="Re-encrypted to the application servers of the app zone",
            tags=["zone:app"],
            opts=child,
        )
        for i, address in enumerate(args.members):
            openstack.loadbalancer.Member(
                f"{name}-member-{i}",
                pool_id=pool.id,
                address=address,
                protocol_port=args.backend_port,
                subnet_id=args.app_subnet_id,
                tags=["zone:app"],
                opts=child,
            )
        self.redirect_listener_id = None
        if args.redirect_prefix:
            http = openstack.loadbalancer.Listener(
                f"{name}-http-redirect",
                loadbalancer_id=lb.id,
                protocol="HTTP",
                protocol_port=80,
                description="Plain HTTP only redirects to https",
                tags=["zone:dmz"],
                opts=child,
            )
            openstack.loadbalancer.L7PolicyV2(
                f"{name}-to-https",
                listener_id=http.id,
                action="REDIRECT_PREFIX",
                redirect_prefix=args.redirect_prefix,
                redirect_http_code=301,
                position=1,
                opts=child,
            )
            self.redirect_listener_id = http.id
        self.load_balancer_id = lb.id
        self.vip_address = lb.vip_address
        self.https_listener_id = listener.id
        self.register_outputs(
            {
                "load_balancer_id": self.load_balancer_id,
                "vip_address": self.vip_address,
                "https_listener_id": self.https_listener_id,
                "redirect_listener_id": self.redirect_listener_id,
            }
        )


def ingress_args(cfg: IngressConfig, network: SegmentedNetwork) -> TlsIngressArgs:
    """The ingress of a validated `ingress` key, in the dmz of this network."""
    return TlsIngressArgs(
        subnet_id=network.subnet_ids["dmz"],
        security_group_id=network.security_group_ids["dmz"],
        app_subnet_id=network.subnet_ids["app"],
        certificate_ref=cfg.certificate_ref,
        members=tuple(str(m) for m in cfg.members),
        backend_port=cfg.backend_port,
        hsts_max_age=cfg.hsts_max_age,
        hsts_include_subdomains=cfg.hsts_include_subdomains,
        certificate_issuer_country=cfg.certificate_issuer_country,
        redirect_prefix=cfg.redirect_prefix,
    )
