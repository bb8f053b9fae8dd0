"""Sovereignty: which providers, which endpoints, which offers, and how the pack trusts them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import yaml
from pulumi_policy import EnforcementLevel, Severity

from . import catalogue, clock, offers
from .framework import Context, Meta, resource_policy
from .settings import Settings
from .values import as_bool, get, get_map, get_str, is_provider_type, package_of

OPENSTACK_PROVIDER = "pulumi:providers:openstack"
BUCKET_TYPE = "pulumi-python:dynamic/object_storage:EncryptedBucket"
DYNAMIC_PACKAGES = ("pulumi-python", "pulumi-nodejs")


@lru_cache(maxsize=1)
def package_lists() -> dict[str, tuple[str, ...]]:
    with (catalogue.DATA_DIR / "packages.yaml").open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return {
        k: tuple(str(v) for v in data.get(k, ()))
        for k in ("allowed", "allowed_dynamic_types", "non_sovereign")
    }


# The engine's default-provider names (pulumi/pulumi pkg/resource/deploy/providers,
# ProviderRequest.DefaultName): "default", then "_<major>_<minor>_<patch>" and one "_<part>" per
# pre-release and build identifier when a version is requested, then "_" + the plugin download URL
# as a QName (its "://" becomes "___"). An explicit provider named "default-eu" or "default_eu" is
# not a default provider.
DEFAULT_PROVIDER_NAME_RE = re.compile(
    r"default(?:_\d+_\d+_\d+(?:_[0-9A-Za-z-]+)*)?(?:_[A-Za-z][A-Za-z0-9_.]*___[A-Za-z0-9_.]*)?"
)


def is_default_provider(provider: Any) -> bool:
    """Whether a provider (args.provider, or the analysed provider resource itself) is one the engine
    created: its name follows the engine's grammar and its URN type is exactly `pulumi:providers:<pkg>`
    (the engine registers default providers at the stack's root, never under a component)."""
    name = getattr(provider, "name", "") or ""
    if not isinstance(name, str) or not DEFAULT_PROVIDER_NAME_RE.fullmatch(name):
        return False
    rtype = getattr(provider, "resource_type", "") or ""
    if not isinstance(rtype, str) or not is_provider_type(rtype):
        return False
    urn = getattr(provider, "urn", "") or ""
    parts = urn.split("::") if isinstance(urn, str) else []
    return len(parts) < 4 or parts[2] == rtype


def resolve_provider(provider: Any, settings: Settings) -> offers.Resolution | None:
    """Where an explicit OpenStack provider's authUrl and region lead; None for a default provider
    or one without both (the environment would supply them at deploy time)."""
    if is_default_provider(provider):
        return None
    url, region = get_str(provider.props, "authUrl"), get_str(provider.props, "region")
    return offers.resolve_identity(url, region, settings) if url and region else None


# ---------------------------------------------------------------------------------------------


def _check_packages(ctx: Context) -> Iterator[str]:
    rtype = ctx.args.resource_type
    pkg = package_of(rtype)
    lists = package_lists()
    denied = set(lists["non_sovereign"])
    allowed = set(ctx.config.get("allowedPackages") or ()) - denied
    dynamic_allowed = set(ctx.config.get("allowedDynamicTypes") or ())
    if is_provider_type(rtype):
        wrongly_allowed = sorted(set(ctx.config.get("allowedPackages") or ()) & denied)
        if wrongly_allowed:
            yield (
                f"policy config allowedPackages lists {', '.join(wrongly_allowed)}: non-sovereign packages "
                "stay refused whatever the config says; remove them from the config"
            )
    if pkg in denied:
        kind = "provider" if is_provider_type(rtype) else "resource"
        yield (
            f"{kind} of package {pkg!r} ({rtype!r}): a hyperscaler or US SaaS package is never allowed in a "
            "sovereign landing zone (its control plane and data are outside EU control)"
        )
        return
    if pkg in DYNAMIC_PACKAGES and not is_provider_type(rtype):
        if rtype not in dynamic_allowed:
            yield (
                f"dynamic resource type {rtype!r} is not in allowedDynamicTypes: a dynamic "
                "provider can call any "
                "API from the deploying machine; allow reviewed types only"
            )
        return
    if rtype == "pulumi:pulumi:Stack":
        ctx.not_applicable("the stack itself")
    if is_provider_type(rtype) or ctx.args.provider is not None:
        if pkg not in allowed:
            yield (
                f"package {pkg!r} ({rtype!r}) is not on the provider allow-list "
                f"({', '.join(sorted(allowed))}); add it to allowedPackages only after a sovereignty review"
            )
        return
    ctx.not_applicable("component resource without a provider")


PACKAGES = resource_policy(
    Meta(
        name="sovereignty-provider-restrict-packages",
        description=(
            "Only provider packages on the sovereign allow-list; hyperscaler and US SaaS packages never."
        ),
        severity=Severity.CRITICAL,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Replace the resource with its OpenStack equivalent on the sovereign offer. A package that is "
            "neither hyperscaler nor US SaaS can be added to allowedPackages after a sovereignty review; "
            "a dynamic resource type to allowedDynamicTypes after a code review."
        ),
        references=("snc-19.2.b", "snc-19.2.d", "snc-19.6", "hds-exi-28", "hds-exi-05", "choice-no-us-saas"),
        config={
            "allowedPackages": {
                "type": "array",
                "items": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
                "default": list(package_lists()["allowed"]),
                "description": "Provider packages allowed (non-sovereign ones stay refused)",
            },
            "allowedDynamicTypes": {
                "type": "array",
                "items": {"type": "string"},
                "default": list(package_lists()["allowed_dynamic_types"]),
                "description": "Dynamic resource type tokens allowed",
            },
        },
        types=("*",),
    ),
    _check_packages,
)


# ---------------------------------------------------------------------------------------------


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
            "packages": {
                "type": "array",
                "items": {"type": "string"},
                "default": ["openstack", "kubernetes"],
                "description": "Packages whose default provider is refused",
            }
        },
        types=("openstack:*", "kubernetes:*"),
        types_from=lambda config: [f"{package}:*" for package in config.get("packages") or ()],
    ),
    _default_provider,
)


# ---------------------------------------------------------------------------------------------


def _resolve(ctx: Context) -> offers.Resolution | None:
    """The offer of a provider or bucket resource, or None when there is no endpoint to resolve."""
    props = ctx.args.props
    if ctx.args.resource_type == OPENSTACK_PROVIDER:
        return resolve_provider(ctx.args, ctx.settings)
    if ctx.args.resource_type == BUCKET_TYPE:
        url = get_str(props, "endpointUrl")
        return offers.resolve_s3(url, get_str(props, "region"), ctx.settings) if url else None
    return None


def _why_qualified(ctx: Context) -> str | None:
    """Why this resource needs a qualified offer: a production stack, or health data in any stack."""
    if ctx.settings.production:
        return f"environment prod ({ctx.settings.environment_source})"
    if (
        ctx.args.resource_type == BUCKET_TYPE
        and (get_str(ctx.args.props, "dataClass") or "").lower() == "health"
    ):
        return "health data (the bucket's dataClass)"
    if ctx.settings.health_data_key:
        return f"health data ({ctx.settings.health_data_key} is health)"
    return None


def _qualification(ctx: Context) -> Iterator[str]:
    why = _why_qualified(ctx)
    if why is None:
        ctx.not_applicable(
            f"environment {ctx.settings.environment} ({ctx.settings.environment_source}), no health data"
        )
    res = _resolve(ctx)
    if res is None or res.offer is None:
        ctx.not_applicable("endpoint not resolved to an offer (see sovereignty-*-restrict-endpoint)")
        return
    qual = offers.qualification_of(res.offer, ctx.settings)
    state = qual.state_on(clock.today())
    source = (
        f"override approved by {qual.approved_by}" if qual.approved_by else f"catalogue, {qual.confidence}"
    )
    env = why
    if state == "not-qualified":
        yield f"{env}: offer {res.offer.name} is not SecNumCloud-qualified ({qual.secnumcloud}; {source})"
    elif state == "expired":
        yield f"{env}: the qualification of {res.offer.name} expired on {qual.valid_until} ({source})"
    elif state == "not-yet":
        yield f"{env}: the qualification of {res.offer.name} starts on {qual.valid_from} ({source})"


QUALIFICATION = resource_policy(
    Meta(
        name="sovereignty-offer-require-qualification",
        description=(
            "Production stacks, and health data in any stack, use only offers whose SecNumCloud "
            "qualification is valid today."
        ),
        severity=Severity.CRITICAL,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Move the production stack to a qualified offer (catalogue.yaml). If ANSSI's catalogue changed, "
            "update the catalogue, or record the organisation's row in offerOverrides with its approver."
        ),
        references=("snc-19.6", "snc-12.3.a", "hds-exi-05"),
        types=(OPENSTACK_PROVIDER, BUCKET_TYPE),
    ),
    _qualification,
)


def _renewal(ctx: Context) -> Iterator[str]:
    res = _resolve(ctx)
    if res is None or res.offer is None:
        ctx.not_applicable("endpoint not resolved to an offer")
        return
    qual = offers.qualification_of(res.offer, ctx.settings)
    if qual.approved_by:
        yield (
            f"the qualification row of {res.offer.name} comes from offerOverrides, approved by "
            f"{qual.approved_by}, not from the catalogue"
        )
    if qual.state_on(clock.today()) != "qualified" or qual.valid_until is None:
        return
    days = int(ctx.config.get("warningDays", 180))
    left = (qual.valid_until - clock.today()).days
    if left <= days:
        yield (
            f"the SecNumCloud qualification of {res.offer.name} ends on {qual.valid_until} ({left} days; "
            f"warning from {days} days): plan the renewal check or the migration"
        )


RENEWAL = resource_policy(
    Meta(
        name="sovereignty-qualification-require-renewal-margin",
        description=(
            "Warns when an offer's qualification ends soon, and when a qualification comes from an override."
        ),
        severity=Severity.MEDIUM,
        level=EnforcementLevel.ADVISORY,
        remediation=(
            "Check ANSSI's catalogue for the renewal and update catalogue.yaml (or offerOverrides); plan a "
            "migration if the offer will not be renewed."
        ),
        references=("snc-19.6", "hds-exi-05"),
        config={
            "warningDays": {
                "type": "integer",
                "minimum": 0,
                "maximum": 1096,
                "default": 180,
                "description": "Warn when the qualification ends within this many days",
            }
        },
        types=(OPENSTACK_PROVIDER, BUCKET_TYPE),
    ),
    _renewal,
)


# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------


def _bucket_endpoint(ctx: Context) -> Iterator[str]:
    url = get_str(ctx.args.props, "endpointUrl")
    if not url:
        yield "no endpointUrl: the S3 endpoint would be boto3's default (AWS)"
        return
    if not url.lower().startswith("https://"):
        yield f"endpointUrl {url!r} is not https://"
    res = offers.resolve_s3(url, get_str(ctx.args.props, "region"), ctx.settings)
    if res.problem:
        yield res.problem


BUCKET_ENDPOINT = resource_policy(
    Meta(
        name="sovereignty-bucket-restrict-endpoint",
        description=(
            "Buckets live on the S3 endpoint of a catalogue offer and EU region, or on an approved one."
        ),
        severity=Severity.CRITICAL,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Use the offer's S3 endpoint from catalogue.yaml for the stack's region; for another endpoint, "
            "add it to approvedEndpoints (service 's3') with its offer, regions and approver."
        ),
        references=("snc-19.2.b", "snc-19.2.d", "snc-12.5.d", "hds-exi-28"),
        types=(BUCKET_TYPE,),
    ),
    _bucket_endpoint,
)

POLICIES = (PACKAGES, ENDPOINT, DEFAULT_PROVIDER, QUALIFICATION, RENEWAL, INSECURE_TLS, BUCKET_ENDPOINT)
