"""Network: security-group rules, port security, public exposure and floating IPs.

OpenStack semantics the checks rely on (FACTS.md): a rule with no protocol or no port range
covers everything; a rule with neither remoteIpPrefix nor a remote group admits any source.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import EnforcementLevel, Severity
from pulumi_policy.proxy import UnknownValueError

from .framework import Context, Finding, Meta, resource_policy, stack_policy
from .settings import IpNetwork, Settings
from .suppressions import PLACEHOLDER_RE
from .values import as_bool, get, get_int, get_list, get_map, get_str, is_set

RULE = "openstack:networking/secGroupRule:SecGroupRule"
SECGROUP = "openstack:networking/secGroup:SecGroup"
PORT = "openstack:networking/port:Port"
NETWORK = "openstack:networking/network:Network"
INSTANCE = "openstack:compute/instance:Instance"
FIP = "openstack:networking/floatingIp:FloatingIp"
FIP_ASSOC = "openstack:networking/floatingIpAssociate:FloatingIpAssociate"
COMPUTE_FIP_ASSOC = "openstack:compute/floatingIpAssociate:FloatingIpAssociate"

# SSH, RDP, WinRM, VNC, IPMI, SNMP, Docker, Kubernetes API/etcd/kubelet/controllers, databases.
ADMIN_PORTS = (
    22,
    3389,
    5985,
    5986,
    5900,
    623,
    161,
    2375,
    2376,
    6443,
    2379,
    2380,
    10250,
    10255,
    10257,
    10259,
    5432,
    3306,
    1433,
    1521,
    27017,
    6379,
    9200,
    9300,
    5984,
    11211,
    9042,
    8086,
)
PRIVATE_RANGES = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "fc00::/7",
        "fe80::/10",
        "::1/128",
    )
)
PROTOCOL_NUMBERS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "ipv6-icmp"}
PORT_PROTOCOLS = ("tcp", "udp", "any", "sctp", "udplite", "dccp")


@dataclass(frozen=True)
class Source:
    kind: str
    """'any' (no remote at all), 'internet' (/0), 'public', 'private', 'group', 'invalid'."""
    text: str
    network: IpNetwork | None = None

    @property
    def public(self) -> bool:
        return self.kind in ("any", "internet", "public", "invalid")

    def describe(self) -> str:
        return {
            "any": "any source (no remoteIpPrefix and no remote group)",
            "internet": f"the whole Internet ({self.text!r})",
            "public": f"public range {self.text!r}",
            "invalid": f"{self.text!r}, which is not a CIDR (treated as public)",
            "private": f"private range {self.text!r}",
            "group": f"remote group {self.text!r}",
        }[self.kind]


@dataclass(frozen=True)
class Rule:
    direction: str
    ethertype: str
    protocol: str
    port_min: int | None
    port_max: int | None
    source: Source

    @property
    def ingress(self) -> bool:
        # The provider requires a direction; anything but "egress" is treated as ingress (safe side).
        return self.direction != "egress"

    @property
    def has_ports(self) -> bool:
        return self.protocol in PORT_PROTOCOLS

    def port_range(self) -> tuple[int, int]:
        if self.protocol == "any" or (self.port_min is None and self.port_max is None):
            return 1, 65535
        low = self.port_min if self.port_min is not None else 1
        high = self.port_max if self.port_max is not None else 65535
        return max(low, 0), min(high, 65535)

    @property
    def all_ports(self) -> bool:
        low, high = self.port_range()
        return self.has_ports and low <= 1 and high >= 65535

    def ports_text(self) -> str:
        if self.protocol == "any":
            return "all protocols and ports"
        low, high = self.port_range()
        # The protocol is the program's text: quoted unless it is a plain protocol word.
        proto = self.protocol if re.fullmatch(r"[a-z0-9-]+", self.protocol) else repr(self.protocol)
        return f"{proto} {low}" if low == high else f"{proto} {low}-{high}"


def classify(props: Any) -> Source:
    prefix = get_str(props, "remoteIpPrefix")
    if prefix:
        try:
            net = ipaddress.ip_network(prefix.strip(), strict=False)
        except ValueError:
            return Source("invalid", prefix)
        if net.prefixlen == 0:
            return Source("internet", prefix, net)
        if any(net.version == p.version and net.subnet_of(p) for p in PRIVATE_RANGES):  # type: ignore[arg-type]
            return Source("private", prefix, net)
        return Source("public", prefix, net)
    # A remote group's id is unknown during preview until the group exists: its presence is enough.
    for key in ("remoteGroupId", "remoteAddressGroupId"):
        if is_set(props, key):
            try:
                return Source("group", get_str(props, key) or "(unknown until created)")
            except UnknownValueError:
                return Source("group", "(known after creation)")
    return Source("any", "")


def parse_rule(props: Any) -> Rule:
    protocol = (get_str(props, "protocol") or "").strip().lower()
    protocol = PROTOCOL_NUMBERS.get(protocol, protocol) or "any"
    return Rule(
        direction=(get_str(props, "direction") or "").strip().lower(),
        ethertype=get_str(props, "ethertype") or "IPv4",
        protocol=protocol,
        port_min=get_int(props, "portRangeMin"),
        port_max=get_int(props, "portRangeMax"),
        source=classify(props),
    )


def within_admin_ranges(source: Source, settings: Settings) -> bool:
    net = source.network
    if net is None or source.kind != "public":
        return False
    return any(net.version == a.version and net.subnet_of(a) for a in settings.admin_source_cidrs)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------


def _admin_ports(ctx: Context) -> Iterator[str]:
    rule = parse_rule(ctx.args.props)
    if not rule.ingress:
        ctx.not_applicable("egress rule")
    if not rule.has_ports:
        ctx.not_applicable(f"protocol {rule.protocol!r} has no ports")
    if not rule.source.public:
        ctx.not_applicable(f"source is a {rule.source.describe()}")
    low, high = rule.port_range()
    hit = sorted({int(p) for p in ctx.config.get("adminPorts") or () if low <= int(p) <= high})
    if not hit:
        ctx.not_applicable("no administration port in the rule's range")
    if within_admin_ranges(rule.source, ctx.settings):
        return
    shown = ", ".join(str(p) for p in hit[:8]) + (f" and {len(hit) - 8} more" if len(hit) > 8 else "")
    yield (
        f"ingress {rule.ports_text()} from {rule.source.describe()} reaches administration port(s) {shown}; "
        "administration goes through the bastion, from the administrators' ranges (adminSourceCidrs) only"
    )


ADMIN_PORTS_PUBLIC = resource_policy(
    Meta(
        name="network-admin-port-disallow-public-ingress",
        description=(
            "No ingress from a public source (0.0.0.0/0, ::/0, no remote prefix nor group, "
            "or any non-private "
            "CIDR) to administration ports (SSH, RDP, WinRM, Kubernetes API, etcd, kubelet, databases)."
        ),
        severity=Severity.CRITICAL,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Restrict the rule to a remote security group or a private range; for the bastion's SSH, use the "
            "administrators' own ranges and list them in adminSourceCidrs of the settings policy."
        ),
        references=(
            "snc-9.6.d",
            "snc-9.6.h",
            "snc-13.2.e",
            "snc-13.2.c",
            "pa022-r15",
            "pa022-r16",
            "pa022-r19",
        ),
        config={
            "adminPorts": {
                "type": "array",
                "items": {"type": "integer", "minimum": 1, "maximum": 65535},
                "default": list(ADMIN_PORTS),
                "description": "Ports treated as administration interfaces",
            }
        },
        types=(RULE,),
    ),
    _admin_ports,
)


def _all_ports(ctx: Context) -> Iterator[str]:
    rule = parse_rule(ctx.args.props)
    if not rule.ingress:
        ctx.not_applicable("egress rule")
    if not rule.source.public:
        ctx.not_applicable(f"source is a {rule.source.describe()}")
    if not rule.all_ports:
        ctx.not_applicable(f"limited to {rule.ports_text()}")
    yield (
        f"ingress on {rule.ports_text()} from {rule.source.describe()}: every service of the "
        "group is exposed; "
        "open only the ports of the flow matrix"
    )


ALL_PORTS_PUBLIC = resource_policy(
    Meta(
        name="network-ingress-disallow-public-all-ports",
        description="No rule admits all protocols or all ports from a public source.",
        severity=Severity.CRITICAL,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Set protocol and portRangeMin/portRangeMax to the flow-matrix entry the rule implements."
        ),
        references=("snc-13.1", "snc-13.2.a", "snc-13.2.e", "pa022-r16"),
        types=(RULE,),
    ),
    _all_ports,
)


def _description(ctx: Context) -> Iterator[str]:
    text = (get_str(ctx.args.props, "description") or "").strip()
    minimum = int(ctx.config.get("minLength", 15))
    if not text:
        yield "no description: write the flow-matrix justification (who talks to whom, and why)"
    elif len(text) < minimum:
        yield f"description {text!r} is shorter than {minimum} characters; give the flow's justification"
    elif PLACEHOLDER_RE.search(text):
        yield f"description {text!r} is a placeholder; give the flow's justification"


RULE_DESCRIPTION = resource_policy(
    Meta(
        name="network-rule-require-justification",
        description="Every security-group rule carries its flow-matrix justification as description.",
        severity=Severity.LOW,
        level=EnforcementLevel.ADVISORY,
        remediation=(
            "Generate rules from the flow matrix (components/flow_matrix.py) or set description yourself."
        ),
        references=("snc-13.1", "snc-13.2.e"),
        config={
            "minLength": {
                "type": "integer",
                "minimum": 1,
                "maximum": 255,
                "default": 15,
                "description": "Shortest acceptable justification",
            }
        },
        types=(RULE,),
    ),
    _description,
)


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


# ---------------------------------------------------------------------------------------------
# Stack policies: what one resource cannot tell.


def _deps(resource: Any, key: str) -> Sequence[Any]:
    deps = getattr(resource, "property_dependencies", None) or {}
    return deps.get(key, []) if isinstance(deps, dict) else []


def _tags(resource: Any) -> list[str]:
    try:
        return [t for t in get_list(resource.props, "tags") if isinstance(t, str)]
    except UnknownValueError:
        return []


def zone_of(group: Any) -> str | None:
    for tag in _tags(group):
        if tag.startswith("zone:"):
            return tag.split(":", 1)[1]
    return None


def _group_of(rule: Any, groups: dict[str, Any]) -> Any:
    for dep in _deps(rule, "securityGroupId"):
        if getattr(dep, "resource_type", "") == SECGROUP:
            return dep
    try:
        sg_id = get_str(rule.props, "securityGroupId")
    except UnknownValueError:
        sg_id = None
    if sg_id:
        for group in groups.values():
            try:
                if get_str(group.props, "id") == sg_id:
                    return group
            except UnknownValueError:
                continue
    return None


def _exposed_zones(ctx: Context) -> Iterator[Finding]:
    resources = ctx.args.resources
    groups = {r.urn: r for r in resources if r.resource_type == SECGROUP}
    settings = ctx.settings
    for group in groups.values():
        zone = zone_of(group)
        if "exposure:public" in _tags(group) and zone not in settings.exposed_zones:
            yield Finding(
                f"security group tagged exposure:public, but zone {zone!r} is not in exposedZones "
                f"{sorted(settings.exposed_zones)} of the policy config: the program and the reviewed config "
                "disagree",
                group.urn,
            )
    for rule in resources:
        if rule.resource_type != RULE:
            continue
        try:
            parsed = parse_rule(rule.props)
        except UnknownValueError:
            continue  # the resource policies report what cannot be known during preview
        if not parsed.ingress or not parsed.source.public:
            continue
        group = _group_of(rule, groups)
        if group is None:
            yield Finding(
                f"public ingress from {parsed.source.describe()} into a security group that is not in this "
                "stack: its zone cannot be checked against exposedZones",
                rule.urn,
            )
            continue
        zone = zone_of(group)
        if zone is None:
            yield Finding(
                f"public ingress from {parsed.source.describe()} into security group "
                f"{group.name!r}, which has no "
                "zone:<name> tag",
                rule.urn,
            )
            continue
        if zone in settings.exposed_zones:
            continue
        if zone in settings.admin_zones and within_admin_ranges(parsed.source, settings):
            continue
        yield Finding(
            f"public ingress ({parsed.ports_text()} from {parsed.source.describe()}) into "
            f"zone {zone!r}, which "
            f"is not exposed (exposedZones: {sorted(settings.exposed_zones) or 'none'}); only the "
            "administrators' ranges may reach the admin zones",
            rule.urn,
        )


EXPOSED_ZONES = stack_policy(
    Meta(
        name="network-ingress-restrict-exposed-zones",
        description=(
            "Public sources reach only the zones the policy config marks as exposed (and the administrators' "
            "ranges the admin zones); each rule is joined to its security group's zone:<name> tag."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Move the public entry point to an exposed zone (normally dmz) and reach inner zones from it by "
            "remote security group; if the zone must be exposed, add it to exposedZones after review."
        ),
        references=("snc-13.2.a", "snc-9.7.c", "snc-13.1", "pa022-r15"),
        types=(RULE, SECGROUP),
    ),
    _exposed_zones,
)


def is_bastion(instance: Any) -> bool:
    if "role:bastion" in _tags(instance):
        return True
    try:
        return get_str(get_map(instance.props, "metadata"), "role") == "bastion"
    except UnknownValueError:
        return False


def _depends_on(resource: Any, target: Any) -> bool:
    deps = getattr(resource, "property_dependencies", None) or {}
    if isinstance(deps, dict) and any(target in v for v in deps.values()):
        return True
    return target in (getattr(resource, "dependencies", None) or [])


def _fip_targets(assoc: Any, instances: list[Any]) -> tuple[list[Any], list[str]]:
    """The instances a floating IP (or an association) lands on, and what could not be traced.

    Followed through the propertyDependencies of portId (networking) or instanceId (compute): a
    Port leads to the instances whose inputs depend on it; an Instance is the target itself
    (`port_id=vm.networks.apply(...)`). Anything else (a literal id, a port no instance of the
    stack uses, another resource type) cannot be traced and is returned as unresolved.
    """
    key = "instanceId" if assoc.resource_type == COMPUTE_FIP_ASSOC else "portId"
    if assoc.resource_type == FIP and not is_set(assoc.props, key):
        return [], []  # an unassociated floating IP; its FloatingIpAssociate is checked instead
    deps = list(_deps(assoc, key))
    if not deps:
        if not is_set(assoc.props, key):
            return [], [f"no {key}"]
        return [], [f"{key} is not an output of a resource of this stack (a literal or external id)"]
    targets: list[Any] = []
    unresolved: list[str] = []
    for dep in deps:
        dep_type = getattr(dep, "resource_type", "")
        if dep_type == INSTANCE:
            targets.append(dep)
        elif dep_type == PORT and key == "portId":
            users = [i for i in instances if _depends_on(i, dep)]
            if users:
                targets += users
            else:
                unresolved.append(f"port {dep.name!r} is attached to no instance of this stack")
        else:
            unresolved.append(f"{key} comes from {dep_type} {dep.name!r}, not from a port or an instance")
    return targets, unresolved


def _floating_ips(ctx: Context) -> Iterator[Finding]:
    resources = ctx.args.resources
    instances = [r for r in resources if r.resource_type == INSTANCE]
    bastion_role = "role:bastion tag or metadata role=bastion"
    for assoc in resources:
        if assoc.resource_type not in (FIP, FIP_ASSOC, COMPUTE_FIP_ASSOC):
            continue
        targets, unresolved = _fip_targets(assoc, instances)
        for instance in targets:
            if not is_bastion(instance):
                yield Finding(
                    f"floating IP on instance {instance.name!r}, which is not the bastion "
                    f"({bastion_role}): only "
                    "the bastion has a public address; publish services through the load balancer in the dmz",
                    assoc.urn,
                )
        for why in unresolved:
            yield Finding(
                f"floating IP whose target cannot be traced to the bastion ({why}): the pack fails closed; "
                "associate it with the bastion's port (port_id=port.id) or the bastion instance",
                assoc.urn,
            )


FLOATING_IPS = stack_policy(
    Meta(
        name="network-floating-ip-restrict-bastion",
        description=(
            "Only the bastion instance gets a floating IP; a floating IP whose target cannot be traced to "
            "the bastion is refused."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Remove the floating IP; reach the instance through the bastion for administration, and publish "
            "services through a load balancer in an exposed zone. Associate the bastion's floating IP "
            "with an output of the bastion's port or instance (port_id=port.id), never a literal id, so "
            "that the pack can trace it."
        ),
        references=("snc-9.6.d", "snc-9.7.c", "pa022-r15", "pa022-r68"),
        types=(FIP, FIP_ASSOC, COMPUTE_FIP_ASSOC),
        reads=(INSTANCE, PORT),
    ),
    _floating_ips,
)

POLICIES = (
    ADMIN_PORTS_PUBLIC,
    ALL_PORTS_PUBLIC,
    RULE_DESCRIPTION,
    PORT_SECURITY,
    EXPOSED_ZONES,
    FLOATING_IPS,
)
