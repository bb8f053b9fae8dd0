"""Kubernetes namespaces: Pod Security Admission `restricted` enforced, at a stated version.

The label `pod-security.kubernetes.io/enforce: restricted` makes the API server refuse any pod
that breaks the restricted profile in that namespace, whatever tool created it (Helm charts, an
operator, kubectl): the pack's own workload policies only see what the program declares. The
`enforce-version` label pins which release's profile applies (`v1.30`, or `latest` to follow the
cluster); without it the profile can change under the namespace at an upgrade.

A NamespacePatch is judged only when it sets a Pod Security label (it cannot loosen what it does
not name); a full Namespace always is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from .framework import Context, Meta, resource_policy
from .values import get_map, get_str

NAMESPACE = "kubernetes:core/v1:Namespace"
NAMESPACE_PATCH = "kubernetes:core/v1:NamespacePatch"
PSA = "pod-security.kubernetes.io/"
ENFORCE = PSA + "enforce"
ENFORCE_VERSION = PSA + "enforce-version"
VERSION_RE = re.compile(r"^(latest|v1\.[0-9]+)$")


def _psa(ctx: Context) -> Iterator[str]:
    labels = get_map(get_map(ctx.args.props, "metadata"), "labels")
    if ctx.args.resource_type == NAMESPACE_PATCH and not any(str(k).startswith(PSA) for k in labels):
        ctx.not_applicable("the patch sets no Pod Security label")
    level = get_str(labels, ENFORCE)
    if level != "restricted":
        shown = f"is {level!r}" if level is not None else "is not set"
        yield f"label {ENFORCE} {shown}: pods that break the restricted profile are admitted"
    version = get_str(labels, ENFORCE_VERSION)
    if version is None:
        yield f"label {ENFORCE_VERSION} is not set: the profile in force changes with the cluster's release"
    elif not VERSION_RE.match(version):
        yield f"label {ENFORCE_VERSION} is {version!r}, not a Kubernetes minor version (v1.30) or 'latest'"


PSA_RESTRICTED = resource_policy(
    Meta(
        name="kubernetes-namespace-require-restricted-psa",
        description=(
            "Every namespace enforces Pod Security Admission `restricted` "
            "(pod-security.kubernetes.io/enforce) at a stated version (enforce-version)."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Label the namespace pod-security.kubernetes.io/enforce: restricted and "
            "pod-security.kubernetes.io/enforce-version: v1.30 (the cluster's minor version); add the "
            "audit and warn labels with the same values to see what would be refused."
        ),
        references=("nsa-k8s-admission", "ft082-r2", "ft082-r7", "ft082-r8"),
        types=(NAMESPACE, NAMESPACE_PATCH),
    ),
    _psa,
)

POLICIES = (PSA_RESTRICTED,)
