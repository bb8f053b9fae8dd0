"""Kubernetes Services reachable from anywhere, for any program.

A Service of type LoadBalancer asks the cloud for a load balancer, on a public address where the
cloud gives one: it must name its sources (spec.loadBalancerSourceRanges, or the
`service.beta.kubernetes.io/load-balancer-source-ranges` annotation the cloud providers read), none
of them open to every address. NodePort opens the port on every node's address; externalIPs lets the
Service claim any address routed to a node: both bypass the load balancer's filter.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from .address_ranges import open_ranges
from .framework import Context, Meta, resource_policy
from .values import get_list, get_map, get_str

SERVICE_TYPES = ("kubernetes:core/v1:Service", "kubernetes:core/v1:ServicePatch")
SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"


def _source_ranges(spec: Any, metadata: Any) -> list[str]:
    ranges = [str(r) for r in get_list(spec, "loadBalancerSourceRanges")]
    annotation = get_str(get_map(metadata, "annotations"), SOURCE_RANGES_ANNOTATION)
    if annotation:
        ranges += [r for r in (p.strip() for p in annotation.split(",")) if r]
    return ranges


def _service(ctx: Context) -> Iterator[str]:
    spec = get_map(ctx.args.props, "spec")
    metadata = get_map(ctx.args.props, "metadata")
    kind = get_str(spec, "type")
    if kind == "NodePort":
        yield "type NodePort opens the port on every node's address, outside any load balancer filter"
    elif kind == "LoadBalancer":
        ranges = _source_ranges(spec, metadata)
        if not ranges:
            yield (
                "type LoadBalancer without loadBalancerSourceRanges: the load balancer admits every "
                "source address"
            )
        opened = open_ranges(ranges)
        if opened:
            yield f"type LoadBalancer admits every address through {', '.join(opened)}"
    external = [str(ip) for ip in get_list(spec, "externalIPs")]
    if external:
        yield f"externalIPs {', '.join(external)} let the Service claim addresses routed to the nodes"


SERVICES = resource_policy(
    Meta(
        name="kubernetes-service-restrict-exposure",
        description=(
            "No Service of type NodePort or with externalIPs; a LoadBalancer Service names its source "
            "ranges, none open to every address."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Use a ClusterIP Service behind the cluster's ingress; where a LoadBalancer is needed, list the "
            "clients' ranges in spec.loadBalancerSourceRanges (never 0.0.0.0/0 or ::/0)."
        ),
        references=("snc-13.2.e", "snc-9.6.d", "ft082-r3-r5", "nsa-k8s-network"),
        types=SERVICE_TYPES,
    ),
    _service,
)

POLICIES = (SERVICES,)
