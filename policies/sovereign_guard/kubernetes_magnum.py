"""Magnum (OpenStack container infrastructure): cluster templates and clusters kept closed.

Wire inputs and label semantics: FACTS-kubernetes §1. Labels keep their snake_case keys and are
strings. A Cluster inherits its template's settings; it is judged on what it overrides: its own
floatingIpEnabled / masterLbEnabled, and its labels (which replace the template's unless
mergeLabels is true, in which case they only add to them).

The API load balancer's filter is a label whose name depends on the Magnum driver the offer runs:
`master_lb_allowed_cidrs` (Heat driver; the default "" opens it to 0.0.0.0/0) and
`api_master_lb_allowed_cidrs` (Cluster API drivers; default 0.0.0.0/0; "," or ";" separated). The
pack cannot see which driver an offer runs, so a template (or a cluster that replaces the labels)
must set both, each to ranges that are not open to every address (fail closed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from .address_ranges import open_ranges
from .framework import Context, Meta, resource_policy
from .values import as_bool, get, get_bool, get_map, get_str

TEMPLATE = "openstack:containerinfra/clusterTemplate:ClusterTemplate"
CLUSTER = "openstack:containerinfra/cluster:Cluster"
ALLOWED_CIDR_LABELS = ("master_lb_allowed_cidrs", "api_master_lb_allowed_cidrs")
LB_FLOATING_IP_LABEL = "master_lb_floating_ip_enabled"


def _template_settings(props: Any) -> Iterator[str]:
    if get_bool(props, "tlsDisabled") is True:
        yield "tlsDisabled is true: the API and the nodes talk in clear"
    if get_bool(props, "public") is True:
        yield "public is true: the template is shared with every project of the cloud"
    insecure = get_str(props, "insecureRegistry")
    if insecure:
        yield f"insecureRegistry {insecure!r}: images are pulled from a registry without TLS"
    if get_bool(props, "registryEnabled") is True:
        yield "registryEnabled is true: Magnum adds its own Swift-backed registry, outside the allow-list"
    if get_bool(props, "floatingIpEnabled") is not False:
        yield "floatingIpEnabled is not false: every node gets a floating IP (Magnum's default is true)"
    if get_bool(props, "masterLbEnabled") is not True:
        yield "masterLbEnabled is not true: the API is served from the masters' own addresses, unfiltered"


def _cluster_settings(props: Any) -> Iterator[str]:
    if get_bool(props, "floatingIpEnabled") is True:
        yield "floatingIpEnabled is true: every node gets a floating IP"
    if get_bool(props, "masterLbEnabled") is False:
        yield "masterLbEnabled is false: the API is served from the masters' own addresses, unfiltered"


def _settings(ctx: Context) -> Iterator[str]:
    props = ctx.args.props
    if ctx.args.resource_type == TEMPLATE:
        yield from _template_settings(props)
    else:
        yield from _cluster_settings(props)


SETTINGS = resource_policy(
    Meta(
        name="kubernetes-magnum-disallow-insecure-settings",
        description=(
            "Magnum cluster templates keep TLS on, stay private to the project, use no insecure or "
            "Magnum-run registry, give nodes no floating IP and serve the API through a load balancer; "
            "clusters do not override that."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "On the ClusterTemplate set tlsDisabled false, public false, registryEnabled false, "
            "floatingIpEnabled false and masterLbEnabled true, and no insecureRegistry; on the Cluster "
            "leave floatingIpEnabled and masterLbEnabled to the template."
        ),
        references=("snc-10.2", "snc-9.6.d", "snc-13.2.e", "nsa-k8s-network", "nsa-k8s-tls"),
        types=(TEMPLATE, CLUSTER),
    ),
    _settings,
)


def _cidrs(text: str) -> list[str]:
    return [c for c in (p.strip() for p in re.split(r"[,;]", text)) if c]


def label_problems(labels: Mapping[str, Any], complete: bool) -> Iterator[str]:
    """Problems of the API load balancer labels; `complete` when these labels are all there is."""
    if as_bool(get(labels, LB_FLOATING_IP_LABEL)) is True:
        yield f"label {LB_FLOATING_IP_LABEL} is 'true': the API load balancer gets a floating IP"
    for key in ALLOWED_CIDR_LABELS:
        value = get_str(labels, key)
        if value is None or not value.strip():
            if complete:
                yield f"label {key} is not set: the API load balancer admits every address by default"
            continue
        opened = open_ranges(_cidrs(value))
        if opened:
            yield f"label {key} admits every address through {', '.join(opened)}"


def _api_labels(ctx: Context) -> Iterator[str]:
    props = ctx.args.props
    labels = get_map(props, "labels")
    if ctx.args.resource_type == CLUSTER:
        if get(props, "labels") is None:
            ctx.not_applicable("the cluster sets no labels: its template's labels apply")
        merged = get_bool(props, "mergeLabels") is True
        yield from label_problems(labels, complete=not merged)
    else:
        yield from label_problems(labels, complete=True)


API_LABELS = resource_policy(
    Meta(
        name="kubernetes-magnum-api-require-allowed-cidrs",
        description=(
            "A Magnum API load balancer has no floating IP and admits only listed ranges "
            "(master_lb_allowed_cidrs and api_master_lb_allowed_cidrs), none open to every address."
        ),
        severity=Severity.CRITICAL,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "In the template's labels set master_lb_floating_ip_enabled 'false' and both "
            "master_lb_allowed_cidrs and api_master_lb_allowed_cidrs to the administration zone's "
            "ranges (comma-separated); a cluster that sets labels without mergeLabels must repeat them."
        ),
        references=("snc-9.6.d", "snc-9.6.h", "snc-13.2.e", "pa022-r19", "nsa-k8s-network"),
        types=(TEMPLATE, CLUSTER),
    ),
    _api_labels,
)

POLICIES = (SETTINGS, API_LABELS)
