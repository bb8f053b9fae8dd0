"""TLS: providers verify certificates and never use plain HTTP endpoints."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from ..framework import Context, Meta, resource_policy
from ..provider_identity import OPENSTACK_PROVIDER, is_default_provider
from ..values import as_bool, get, get_map

INSECURE_KEYS = re.compile(
    r"(?i)^(insecure|insecureskiptlsverify|skiptlsverify|tlsinsecureskipverify|skipsslverify)$"
)
VERIFY_KEYS = re.compile(r"(?i)^(sslverify|tlsverify|verifyssl|verify)$")
URL_KEYS = re.compile(r"(?i)(url|endpoint|host|server)$")


def _insecure_tls(ctx: Context) -> Iterator[str]:
    rtype = ctx.args.resource_type
    props = ctx.args.props
    for key in props:
        value = props[key]
        if (INSECURE_KEYS.match(key) and as_bool(value) is True) or (
            VERIFY_KEYS.match(key) and as_bool(value) is False
        ):
            yield f"{key!r} = {value!r}: TLS certificate verification is disabled"
        elif (
            (INSECURE_KEYS.match(key) or VERIFY_KEYS.match(key))
            and value is not None
            and as_bool(value) is None
        ):
            # Neither true nor false: the plugin's reading of it is unknown, so the pack fails closed.
            yield f"{key!r} is not a boolean ({type(value).__name__}): TLS verification cannot be judged"
    for key in props:
        value = props[key]
        if URL_KEYS.search(key) and isinstance(value, str) and value.lower().startswith("http://"):
            yield f"{key!r} = {value!r}: plain HTTP; credentials and data would cross the network unencrypted"
    overrides = get_map(props, "endpointOverrides")
    for service in overrides:
        value = overrides[service]
        if isinstance(value, str) and value.lower().startswith("http://"):
            yield f"endpointOverrides.{service!r} = {value!r}: plain HTTP"
    if rtype == OPENSTACK_PROVIDER and not is_default_provider(ctx.args) and get(props, "insecure") is None:
        yield (
            "insecure is not set: the provider plugin would read OS_INSECURE from the deploying environment; "
            "set insecure to false explicitly"
        )


INSECURE_TLS = resource_policy(
    Meta(
        name="sovereignty-provider-disallow-insecure-tls",
        description="Providers always verify TLS certificates and never use plain HTTP endpoints.",
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Set insecure to false explicitly on the provider; give cacertFile for a private CA instead of "
            "turning verification off; use https:// endpoints only."
        ),
        references=("snc-10.2", "snc-9.6.e"),
        types=("pulumi:providers:*",),
    ),
    _insecure_tls,
)
