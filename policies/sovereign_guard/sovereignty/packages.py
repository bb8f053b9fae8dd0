"""Provider packages: only the sovereign allow-list, never a hyperscaler or US SaaS package."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import yaml
from pulumi_policy import EnforcementLevel, Severity

from .. import catalogue
from ..config_fields import string_list
from ..framework import Context, Meta, resource_policy
from ..values import is_provider_type, package_of

DYNAMIC_PACKAGES = ("pulumi-python", "pulumi-nodejs")


@lru_cache(maxsize=1)
def package_lists() -> dict[str, tuple[str, ...]]:
    with (catalogue.DATA_DIR / "packages.yaml").open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return {
        k: tuple(str(v) for v in data.get(k, ()))
        for k in ("allowed", "allowed_dynamic_types", "non_sovereign")
    }


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
            "allowedPackages": string_list(
                package_lists()["allowed"],
                "Provider packages allowed (non-sovereign ones stay refused)",
                pattern="^[a-z0-9][a-z0-9-]*$",
            ),
            "allowedDynamicTypes": string_list(
                package_lists()["allowed_dynamic_types"], "Dynamic resource type tokens allowed"
            ),
        },
        types=("*",),
    ),
    _check_packages,
)
