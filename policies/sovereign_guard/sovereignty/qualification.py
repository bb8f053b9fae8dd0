"""Offers: a valid SecNumCloud qualification where it is needed, and a warning before it ends."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from .. import clock, offers
from ..config_fields import bounded_integer
from ..framework import Context, Meta, resource_policy
from ..provider_identity import BUCKET_TYPE, OPENSTACK_PROVIDER, resolve_provider
from ..values import get_str


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
            "warningDays": bounded_integer(
                180, 0, 1096, "Warn when the qualification ends within this many days"
            )
        },
        types=(OPENSTACK_PROVIDER, BUCKET_TYPE),
    ),
    _renewal,
)
