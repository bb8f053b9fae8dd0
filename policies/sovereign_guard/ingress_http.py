"""Plain-HTTP listeners: at most a redirect to https (SecNumCloud 3.2 10.2).

A stack policy, because one listener cannot tell whether it only redirects: the redirect is an
L7 policy built from the listener's id. A listener with protocol HTTP passes when it has no default
pool and every L7 policy attached to it (joined by the listenerId property dependency) redirects to
an https:// prefix or URL, with at least one such redirect.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity
from pulumi_policy.proxy import UnknownValueError

from .framework import Context, Finding, Meta, stack_policy
from .ingress_listeners import LISTENER
from .network.graph import deps_of
from .values import get_str

L7POLICY = "openstack:loadbalancer/l7PolicyV2:L7PolicyV2"
REDIRECTS = {"REDIRECT_PREFIX": "redirectPrefix", "REDIRECT_TO_URL": "redirectUrl"}


def _redirect_problem(l7: object) -> str | None:
    props = getattr(l7, "props", {})
    action = get_str(props, "action")
    if action not in REDIRECTS:
        return f"L7 policy {getattr(l7, 'name', '?')!r} has action {action!r}, which serves plain HTTP"
    target = get_str(props, REDIRECTS[action]) or ""
    if not target.lower().startswith("https://"):
        return f"L7 policy {getattr(l7, 'name', '?')!r} redirects to {target!r}, not to https://"
    return None


def _plain_http(ctx: Context) -> Iterator[Finding]:
    resources = ctx.args.resources
    l7s = [r for r in resources if r.resource_type == L7POLICY]
    for listener in resources:
        if listener.resource_type != LISTENER:
            continue
        try:
            protocol = get_str(listener.props, "protocol")
            pool = get_str(listener.props, "defaultPoolId")
        except UnknownValueError:
            continue
        if protocol != "HTTP":
            continue
        port = listener.props.get("protocolPort") if hasattr(listener.props, "get") else None
        where = f"plain-HTTP listener on port {port}"
        if pool:
            yield Finding(
                f"{where} forwards to a pool (defaultPoolId): it serves content unencrypted", listener.urn
            )
            continue
        attached = [l7 for l7 in l7s if any(d.urn == listener.urn for d in deps_of(l7, "listenerId"))]
        if not attached:
            yield Finding(f"{where} has no L7 policy redirecting to https", listener.urn)
            continue
        for l7 in attached:
            try:
                problem = _redirect_problem(l7)
            except UnknownValueError:
                problem = f"L7 policy {l7.name!r}: its redirect target is unknown during preview"
            if problem:
                yield Finding(f"{where}: {problem}", listener.urn)


PLAIN_HTTP = stack_policy(
    Meta(
        name="encryption-listener-disallow-plain-http",
        description=(
            "A plain-HTTP Octavia listener only redirects to https: no default pool, and L7 policies "
            "REDIRECT_PREFIX or REDIRECT_TO_URL to an https:// target only."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Serve the content on a TERMINATED_HTTPS listener; keep port 80 only as a listener without pool "
            "and one L7 policy REDIRECT_PREFIX to https://<your host>, or remove it."
        ),
        references=("snc-10.2", "tls-r4"),
        types=(LISTENER,),
        reads=(L7POLICY,),
    ),
    _plain_http,
)

POLICIES = (PLAIN_HTTP,)
