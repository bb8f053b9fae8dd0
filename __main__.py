"""The Pulumi program: load the stack config, plan and build the LandingZone, export its outputs."""

from pathlib import Path

import pulumi

from components.landing_zone import LandingZone, plan_landing_zone
from components.policy_config import check_agreement
from components.stack_config import load_stack_config

# Each step raises ConfigError (a pulumi.RunError: one line, no traceback) before any resource.
config = load_stack_config()
# The stack's policy config repeats facts of its stack file for the pack: it must say the same.
check_agreement(config, Path(__file__).resolve().parent, pulumi.get_stack())
plan = plan_landing_zone(config)
zone = LandingZone(plan.cfg.name_prefix, plan)

pulumi.export("environment", plan.cfg.environment)
pulumi.export("offer", zone.offer.key)
pulumi.export("region", plan.cfg.region)
pulumi.export("networkIds", zone.network.network_ids)
pulumi.export("flowMatrix", zone.flow_matrix)
pulumi.export("keyCustody", zone.key_custody)
pulumi.export("bucketNames", {name: bucket.bucket_name for name, bucket in zone.buckets.items()})
pulumi.export("bastionAddress", zone.bastion.public_address if zone.bastion else None)
