"""Load-balancer pools to the inner zones re-encrypt (SecNumCloud 3.2 10.2, 13.2.a).

The pack knows a pool's members' zone the way the network policies know a security group's: the
`zone:<name>` tag the program puts on the pool (components/ingress.py tags it `zone:app`). A pool
whose zone is not an exposed zone of the policy config, or that has no zone tag at all (the pack
cannot tell it apart from a sensitive one), must have tlsEnabled when it speaks HTTP to its
members. Pools of other protocols (TCP, HTTPS passthrough, UDP, PROXY) carry the client's own
bytes, TLS or not, and are not this policy's concern.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from .framework import Context, Meta, resource_policy
from .network.graph import tags_of
from .values import get_bool, get_str

POOL = "openstack:loadbalancer/pool:Pool"


def _pool(ctx: Context) -> Iterator[str]:
    protocol = get_str(ctx.args.props, "protocol")
    if protocol != "HTTP":
        ctx.not_applicable(f"pool protocol {protocol!r}: the client's bytes pass through unchanged")
    zones = [t.split(":", 1)[1] for t in tags_of(ctx.args) if t.startswith("zone:")]
    exposed = ctx.settings.exposed_zones
    if zones and all(z in exposed for z in zones):
        ctx.not_applicable(f"members in exposed zone(s) {', '.join(zones)}")
    if get_bool(ctx.args.props, "tlsEnabled") is True:
        return
    where = f"zone {', '.join(zones)}" if zones else "an unknown zone (no zone:<name> tag)"
    yield f"HTTP pool to members in {where} without tlsEnabled: requests cross the zones in clear"


POOL_TLS = resource_policy(
    Meta(
        name="encryption-pool-require-tls",
        description=(
            "An HTTP load-balancer pool whose members are in an inner zone (its zone:<name> tag, or no "
            "tag) re-encrypts to them (tlsEnabled)."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Set tlsEnabled: true on the pool (with tlsVersions TLSv1.2/TLSv1.3) and serve TLS on the "
            "members; tag the pool zone:<members' zone>."
        ),
        references=("snc-10.2", "snc-13.2.a"),
        types=(POOL,),
    ),
    _pool,
)

POLICIES = (POOL_TLS,)
