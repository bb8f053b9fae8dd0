"""sovereign-guard: the policies, importable without starting the pack.

`ALL_POLICIES` is the pack's policy list, in the order the pack needs: the settings policy first
(it publishes the pack-wide settings), the suppression-disclosure policies last; that order is the
contract of analysis_call.py, and importing the package fails when it is broken.
"""

from __future__ import annotations

from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy

from . import (
    access,
    backups,
    containers,
    data_protection,
    egress,
    encryption,
    hygiene,
    ingress_http,
    ingress_listeners,
    ingress_pools,
    kubernetes_policies,
    log_shipping,
    network,
    sovereignty,
)
from .analysis_call import check_order
from .framework import POLICIES, REGISTRY

PACK_NAME = "sovereign-guard"
PACK_DESCRIPTION = (
    "Blocks non-sovereign and insecure resources on OpenStack-based sovereign clouds "
    "(SecNumCloud 3.2, HDS, ANSSI)."
)

ALL_POLICIES: tuple[ResourceValidationPolicy | StackValidationPolicy, ...] = (
    hygiene.SETTINGS,
    *sovereignty.POLICIES,
    *network.POLICIES,
    *egress.POLICIES,
    *encryption.POLICIES,
    *access.POLICIES,
    *containers.POLICIES,
    *data_protection.POLICIES,
    *ingress_listeners.POLICIES,
    *ingress_http.POLICIES,
    *ingress_pools.POLICIES,
    *log_shipping.POLICIES,
    *backups.POLICIES,
    *kubernetes_policies.POLICIES,
    hygiene.DISCLOSE,
    hygiene.DISCLOSE_STACK,
)

if {p.name for p in ALL_POLICIES} != set(POLICIES):
    raise RuntimeError("a registered policy is missing from ALL_POLICIES (or the other way round)")
check_order(ALL_POLICIES, hygiene.SETTINGS, hygiene.DISCLOSE, hygiene.DISCLOSE_STACK)

__all__ = ["ALL_POLICIES", "PACK_DESCRIPTION", "PACK_NAME", "POLICIES", "REGISTRY"]
