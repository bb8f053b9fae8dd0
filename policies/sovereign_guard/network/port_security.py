"""Port security: ports and networks never switch off security groups and anti-spoofing."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from ..framework import Context, Meta, resource_policy
from ..values import as_bool, get
from .rules import NETWORK, PORT


def _port_security(ctx: Context) -> Iterator[str]:
    rtype = ctx.args.resource_type
    value = get(ctx.args.props, "portSecurityEnabled")
    if value is None:
        ctx.not_applicable("portSecurityEnabled not set (Neutron's default is enabled)")
    if as_bool(value) is False:
        what = "port" if rtype == PORT else "network (its ports inherit it)"
        yield (
            f"port security is disabled on this {what}: no security group and no anti-spoofing apply to its "
            "traffic"
        )
    elif as_bool(value) is None:
        yield f"portSecurityEnabled = {value!r} is not a boolean; set it to true"


PORT_SECURITY = resource_policy(
    Meta(
        name="network-port-disallow-disabled-security",
        description="Ports and networks never disable port security (security groups and anti-spoofing).",
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Remove portSecurityEnabled=false; for a VIP or a router appliance use allowedAddressPairs "
            "on a port that keeps its security groups."
        ),
        references=("snc-13.2.a", "snc-13.2.e", "pa022-r16"),
        types=(PORT, NETWORK),
    ),
    _port_security,
)
