"""The sovereign-guard policy pack: the only place that constructs the PolicyPack.

Constructing it starts a gRPC server that prints its port on stdout and blocks forever, so
nothing may print to stdout before it, and tests import `sovereign_guard`, never this file.
"""

from pulumi_policy import EnforcementLevel, PolicyPack
from sovereign_guard import ALL_POLICIES, PACK_DESCRIPTION, PACK_NAME, call_setup, lazy_props, message_dicts

# Each request's properties are converted to a dict once, not once per policy (message_dicts.py).
message_dicts.install()
# ...and into the containers a policy sees only when the policy first reads them (lazy_props.py).
lazy_props.install()
# The runtime once per environment, a resource's options and provider once per request (call_setup.py).
call_setup.install()

PolicyPack(
    name=PACK_NAME,
    description=PACK_DESCRIPTION,
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=list(ALL_POLICIES),
)
