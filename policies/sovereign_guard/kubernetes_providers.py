"""Kubernetes providers: the cluster a program deploys to is sovereign, and reached over verified TLS.

The provider's `kubeconfig` input is a kubeconfig document, as YAML or JSON text (the engine sends
it unwrapped even when it is secret). It may also be a file path, or missing, in which case the
provider reads the ambient kubeconfig of the machine running Pulumi (KUBECONFIG, ~/.kube/config):
the pack cannot see that cluster, so it refuses it. In a preview where the kubeconfig is still an
unknown output (a cluster created in the same run), the engine reports the policy as not run.

"Inside the sovereign catalogue", for a cluster's `server` (every cluster of the document, since a
context may select any of them), is decided in this order:
1. a host under a hyperscaler's or a non-EU provider's domain (MANAGED_CLUSTER_DOMAINS: EKS, AKS,
   GKE, OKE, ACK, DOKS, LKE, IKS...) is refused, and no approval can accept it;
2. an IP address in a private or loopback range is accepted: the API is then reachable only from the
   stack's own networks or through the bastion's tunnel (the landing zone's clusters serve their API
   on a private Octavia address, with no floating IP);
3. an https URL listed in this policy's `approvedApiServers`, with the catalogue offer that hosts it
   and its approver, is accepted (a Magnum cluster of a qualified offer with a public API address);
4. anything else is refused.
Messages name the cluster and the server's host only, never the rest of the document (it holds
client keys and tokens).
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import yaml
from pulumi_policy import EnforcementLevel, Severity

from . import catalogue
from .address_ranges import UNROUTED_RANGES, in_ranges
from .framework import Context, Meta, resource_policy
from .values import as_bool, get, get_list, get_str

PROVIDER = "pulumi:providers:kubernetes"
APPROVED_KEY = "approvedApiServers"
MANAGED_CLUSTER_DOMAINS = (
    "amazonaws.com",
    "amazonaws.com.cn",
    "azmk8s.io",
    "azure.com",
    "googleapis.com",
    "gke.goog",
    "oraclecloud.com",
    "aliyuncs.com",
    "ondigitalocean.com",
    "linodelke.net",
    "cloud.ibm.com",
)


@dataclass(frozen=True)
class Cluster:
    name: str
    server: str
    insecure: bool


def clusters(ctx: Context) -> list[Cluster]:
    """The clusters of the provider's kubeconfig; not applicable or a violation when there is none."""
    text = get_str(ctx.args.props, "kubeconfig")
    if text is None or not text.strip():
        raise Unjudgeable(
            "no kubeconfig input: the provider uses the ambient kubeconfig of the machine running "
            "Pulumi (KUBECONFIG, ~/.kube/config), a cluster the pack cannot see"
        )
    try:
        doc = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError):
        raise Unjudgeable("the kubeconfig input is neither valid YAML nor JSON") from None
    if not isinstance(doc, Mapping):
        raise Unjudgeable(
            "the kubeconfig input is not a kubeconfig document (a file path?): the pack cannot read the "
            "cluster it names; pass the document's content"
        )
    found = []
    for index, item in enumerate(get_list(doc, "clusters")):
        spec = get(item, "cluster")
        name = get_str(item, "name") or f"clusters[{index}]"
        found.append(
            Cluster(
                name, get_str(spec, "server") or "", as_bool(get(spec, "insecure-skip-tls-verify")) is True
            )
        )
    if not found:
        raise Unjudgeable("the kubeconfig names no cluster")
    return found


class Unjudgeable(Exception):
    """The kubeconfig cannot be read: the endpoint policy reports it, the TLS policy does not apply."""


def host_of(server: str) -> str:
    return (urlsplit(server).hostname or "").lower().rstrip(".")


def _managed_domain(host: str) -> str | None:
    return next((d for d in MANAGED_CLUSTER_DOMAINS if host == d or host.endswith("." + d)), None)


def _private_ip(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return in_ranges(address, UNROUTED_RANGES)


def approvals(ctx: Context) -> tuple[dict[str, str], list[str]]:
    """Approved server URLs (normalized) to their approver, and the malformed entries."""
    approved: dict[str, str] = {}
    problems: list[str] = []
    offers = catalogue.load().offers
    for index, entry in enumerate(ctx.config.get(APPROVED_KEY) or []):
        where = f"policy config {APPROVED_KEY} #{index + 1}"
        url = get_str(entry, "url") or ""
        offer = get_str(entry, "offer") or ""
        approver = (get_str(entry, "approved_by") or "").strip()
        bad = []
        if not url.startswith("https://"):
            bad.append(f"url {url!r} must be an https:// URL")
        elif _managed_domain(host_of(url)):
            bad.append(f"url {url!r} is a hyperscaler's managed cluster, which no approval can accept")
        if offer not in offers:
            bad.append(f"offer {offer!r} is not a catalogue offer ({', '.join(offers)})")
        if len(approver) < 3:
            bad.append("approved_by must name the approver")
        if bad:
            problems.append(f"{where}: {'; '.join(bad)}")
        else:
            approved[catalogue.normalize_url(url)] = f"{approver}, offer {offer}"
    return approved, problems


def _endpoint(ctx: Context) -> Iterator[str]:
    approved, problems = approvals(ctx)
    yield from problems
    try:
        found = clusters(ctx)
    except Unjudgeable as err:
        yield str(err)
        return
    for cluster in found:
        host = host_of(cluster.server)
        domain = _managed_domain(host)
        if domain:
            yield (
                f"cluster {cluster.name!r} is served from {host}, a managed cluster under {domain}: a "
                "hyperscaler's Kubernetes, outside the sovereign catalogue"
            )
        elif not host:
            yield f"cluster {cluster.name!r} has no server URL the pack can read"
        elif not _private_ip(host) and catalogue.normalize_url(cluster.server) not in approved:
            yield (
                f"cluster {cluster.name!r} is served from {host}, neither a private address (reached "
                f"through the bastion) nor an approved API server ({APPROVED_KEY})"
            )


ENDPOINT = resource_policy(
    Meta(
        name="kubernetes-provider-restrict-endpoint",
        description=(
            "A Kubernetes provider deploys only to a cluster inside the sovereign perimeter: a private "
            "API address or an approved API server of a catalogue offer, never a hyperscaler's managed "
            "cluster or the ambient kubeconfig."
        ),
        severity=Severity.CRITICAL,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Build the provider from the sovereign cluster's kubeconfig output (kubernetes.Provider("
            "kubeconfig=...)), with the API on a private address reached through the bastion; for a "
            "qualified offer's public API address, add its URL to approvedApiServers with the offer "
            "and an approver."
        ),
        references=("snc-19.2.b", "snc-19.2.c", "snc-19.6", "snc-9.6.d"),
        config={
            APPROVED_KEY: {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["url", "offer", "approved_by"],
                    "properties": {
                        "url": {"type": "string"},
                        "offer": {"type": "string"},
                        "approved_by": {"type": "string", "minLength": 3},
                        "reason": {"type": "string"},
                    },
                },
                "default": [],
                "description": (
                    "Public API servers (https URLs) of clusters on a catalogue offer, each with its "
                    "offer and approver"
                ),
            }
        },
        types=(PROVIDER,),
    ),
    _endpoint,
)


def _tls(ctx: Context) -> Iterator[str]:
    try:
        found = clusters(ctx)
    except Unjudgeable as err:
        ctx.not_applicable(f"{err} (kubernetes-provider-restrict-endpoint reports it)")
    for cluster in found:
        if cluster.insecure:
            yield (
                f"cluster {cluster.name!r} sets insecure-skip-tls-verify: the API server's certificate is "
                "not checked, so anyone on the path can impersonate it and read the credentials"
            )
        if urlsplit(cluster.server).scheme.lower() == "http":
            yield f"cluster {cluster.name!r} is reached over plain http ({host_of(cluster.server)})"


TLS = resource_policy(
    Meta(
        name="kubernetes-provider-disallow-insecure-tls",
        description=(
            "A Kubernetes provider's kubeconfig verifies the API server's certificate: no "
            "insecure-skip-tls-verify, no http:// server."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Remove insecure-skip-tls-verify and give the cluster's CA in certificate-authority-data "
            "(the cluster's kubeconfig output carries it); use the https:// API URL."
        ),
        references=("snc-10.2", "snc-9.6.e", "nsa-k8s-tls"),
        types=(PROVIDER,),
    ),
    _tls,
)

POLICIES = (ENDPOINT, TLS)
