"""Network policies, one subject per module, in the order the pack runs them.

- rules.py: what a security-group rule's wire properties mean (no policy);
- graph.py: how the resources of a stack relate (dependencies, tags, zones; no policy);
- ingress.py: public ingress to administration ports, to all ports, and rule justification;
- port_security.py: ports and networks keep port security;
- zones.py: public sources reach only the exposed zones (stack policy);
- floating_ips.py: only the bastion gets a floating IP (stack policy).
"""

from __future__ import annotations

from .floating_ips import FLOATING_IPS
from .ingress import ADMIN_PORTS_PUBLIC, ALL_PORTS_PUBLIC, RULE_DESCRIPTION
from .port_security import PORT_SECURITY
from .zones import EXPOSED_ZONES

POLICIES = (
    ADMIN_PORTS_PUBLIC,
    ALL_PORTS_PUBLIC,
    RULE_DESCRIPTION,
    PORT_SECURITY,
    EXPOSED_ZONES,
    FLOATING_IPS,
)

__all__ = [
    "ADMIN_PORTS_PUBLIC",
    "ALL_PORTS_PUBLIC",
    "EXPOSED_ZONES",
    "FLOATING_IPS",
    "POLICIES",
    "PORT_SECURITY",
    "RULE_DESCRIPTION",
]
