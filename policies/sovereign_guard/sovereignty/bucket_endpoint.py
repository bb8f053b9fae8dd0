"""Buckets: on the S3 endpoint of a catalogue offer and EU region, or an approved one."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from .. import offers
from ..framework import Context, Meta, resource_policy
from ..provider_identity import BUCKET_TYPE
from ..values import get_str


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
