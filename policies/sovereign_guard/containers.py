"""Swift containers: never readable or writable by anyone (SecNumCloud 3.2 10.1.a, HDS EXI 28).

A Swift ACL element `.r:<referrer>` grants anonymous read to any client that sends a matching
Referer header, which any client can forge, so every `.r:` element is public; `*:*` or `*` grants
every authenticated user of every project of the cloud. The landing zone stores objects through
S3 buckets (EncryptedBucket) and creates no container, but the pack judges any program.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from .framework import Context, Meta, resource_policy
from .values import get

CONTAINER = "openstack:objectstorage/container:Container"


def public_elements(acl: str) -> list[str]:
    """The elements of a Swift ACL that open the container beyond named projects and users."""
    elements = [e.strip() for e in acl.split(",") if e.strip()]
    return [e for e in elements if e.lower().startswith(".r:") or e in ("*", "*:*") or e.startswith("*:")]


def _public(ctx: Context) -> Iterator[str]:
    props = ctx.args.props
    for prop, what in (("containerRead", "read"), ("containerWrite", "write")):
        acl = get(props, prop)
        if acl is not None and not isinstance(acl, str):
            # Not a string: the pack cannot tell whom it opens the container to, so it fails closed.
            yield f"{prop} is a {type(acl).__name__}, not a Swift ACL string: it cannot be judged"
            continue
        if not acl:
            continue
        opened = public_elements(acl)
        if opened:
            yield f"{prop} {acl!r} gives {what} access to anyone ({', '.join(opened)})"


PUBLIC_CONTAINER = resource_policy(
    Meta(
        name="access-container-disallow-public-access",
        description=(
            "Swift containers grant read and write to named projects and users only: no referrer "
            "element (.r:*), no '*:*'."
        ),
        severity=Severity.CRITICAL,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Remove the public elements from containerRead and containerWrite; share data through an "
            "EncryptedBucket with named readers, or a temporary URL with an expiry for one object."
        ),
        references=("snc-10.1.a", "hds-exi-28", "hds-exi-15"),
        types=(CONTAINER,),
    ),
    _public,
)

POLICIES = (PUBLIC_CONTAINER,)
