"""Providers: explicit ones only, pointing to a catalogue offer's Keystone and EU region (or an
approved endpoint)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from pulumi_policy import EnforcementLevel, Severity

from .. import catalogue, offers
from ..config_fields import string_list
from ..framework import Context, Meta, resource_policy
from ..provider_identity import OPENSTACK_PROVIDER, is_default_provider
from ..values import get_map, get_str, package_of


def _provider_endpoint(ctx: Context) -> Iterator[str]:
    props = ctx.args.props
    if is_default_provider(ctx.args):
        ctx.not_applicable(
            "default provider: its resources are refused by sovereignty-provider-disallow-default"
        )
    auth_url = get_str(props, "authUrl")
    region = get_str(props, "region")
    if not auth_url:
        cloud = get_str(props, "cloud")
        hint = f" (it names clouds.yaml entry {cloud!r})" if cloud else ""
        yield (
            f"no authUrl{hint}: the endpoint would come from OS_AUTH_URL or clouds.yaml at deploy time, "
            "invisible to review; set authUrl explicitly"
        )
        return
    if not region:
        yield "no region: it would come from OS_REGION_NAME at deploy time; set region explicitly"
        return
    res = offers.resolve_identity(auth_url, region, ctx.settings)
    if res.problem:
        yield res.problem
    overrides = get_map(props, "endpointOverrides")
    base = (urlsplit(auth_url).hostname or "").lower().split(".")
    domain = ".".join(base[-2:]) if len(base) >= 2 else ""
    approved = {e.url for e in ctx.settings.approved_endpoints}
    for service in overrides:
        value = overrides[service]
        if not isinstance(value, str):
            continue
        host = (urlsplit(value).hostname or "").lower()
        if catalogue.normalize_url(value) in approved:
            continue
        if not domain or not (host == domain or host.endswith("." + domain)):
            yield (
                f"endpointOverrides.{service!r} = {value!r} leaves the provider's domain ({domain or '?'}); "
                "approve it in approvedEndpoints or remove it"
            )


ENDPOINT = resource_policy(
    Meta(
        name="sovereignty-provider-restrict-endpoint",
        description=(
            "Every OpenStack provider points to the Keystone endpoint and an EU region of a catalogue offer, "
            "or to an endpoint the organisation approved in policy config."
        ),
        severity=Severity.CRITICAL,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Set authUrl and region on the explicit provider to a catalogue offer "
            "(policies/sovereign_guard/data/catalogue.yaml). For a per-customer Keystone URL, add it to "
            "approvedEndpoints in the settings policy's config with its offer, regions and approver."
        ),
        references=("snc-19.2.b", "snc-19.2.c", "snc-19.2.d", "hds-exi-28"),
        types=(OPENSTACK_PROVIDER,),
    ),
    _provider_endpoint,
)


# ---------------------------------------------------------------------------------------------


def _default_provider(ctx: Context) -> Iterator[str]:
    rtype = ctx.args.resource_type
    provider = ctx.args.provider
    if provider is None:
        ctx.not_applicable("no provider (component resource)")
    if not is_default_provider(provider):
        ctx.not_applicable("explicit provider")
    yield (
        f"{rtype!r} uses the default {package_of(rtype)} provider ({provider.name!r}): its endpoint, region "
        "and credentials come from the deploying environment and are invisible to review; pass "
        "an explicit provider"
    )


DEFAULT_PROVIDER = resource_policy(
    Meta(
        name="sovereignty-provider-disallow-default",
        description="OpenStack and Kubernetes resources use an explicit provider, never the default one.",
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Create an explicit provider (components/provider.py) and pass it to every "
            "resource, e.g. through "
            "the parent component's `providers` option; set `disable-default-providers` in the stack config."
        ),
        references=("snc-19.2.b", "snc-19.2.d", "snc-13.1"),
        config={
            "packages": string_list(["openstack", "kubernetes"], "Packages whose default provider is refused")
        },
        types=("openstack:*", "kubernetes:*"),
        types_from=lambda config: [f"{package}:*" for package in config.get("packages") or ()],
    ),
    _default_provider,
)
