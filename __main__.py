"""The Pulumi program: load the stack config, build the LandingZone, export its outputs."""

import pulumi

from components.config import load_stack_config
from components.landing_zone import LandingZone

config = load_stack_config()
zone = LandingZone(config.name_prefix, config)

pulumi.export("environment", config.environment)
pulumi.export("offer", zone.offer.key)
pulumi.export("region", config.region)
pulumi.export("networkIds", zone.network.network_ids)
pulumi.export("flowMatrix", zone.flow_matrix)
