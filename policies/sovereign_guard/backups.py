"""Backup targets stay in the stack's country and offer (SecNumCloud 3.2 12.5.d, HDS EXI 28).

A stack policy: the stack's country is the country of its OpenStack providers' regions (each
resolved through the catalogue or the approved endpoints), and a backup bucket (`purpose: backup`)
must resolve, through its S3 endpoint, to a region of the same offer in that country. A backup in
another country escapes the localisation rules the primary copy follows; one on another offer
escapes its contract and qualification.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity
from pulumi_policy.proxy import UnknownValueError

from . import offers
from .framework import Context, Finding, Meta, stack_policy
from .provider_identity import BUCKET_TYPE
from .values import get_str

OPENSTACK_PROVIDER = "pulumi:providers:openstack"


def _stack_places(ctx: Context) -> set[tuple[str, str]]:
    """(offer key, country) of every OpenStack provider of the stack that resolves."""
    places = set()
    for res in ctx.args.resources:
        if res.resource_type != OPENSTACK_PROVIDER:
            continue
        try:
            auth_url, region = get_str(res.props, "authUrl"), get_str(res.props, "region")
        except UnknownValueError:
            continue
        if not auth_url or not region:
            continue
        found = offers.resolve_identity(auth_url, region, ctx.settings)
        if found.offer is not None and found.country:
            places.add((found.offer.key, found.country))
    return places


def _backups(ctx: Context) -> Iterator[Finding]:
    buckets = [r for r in ctx.args.resources if r.resource_type == BUCKET_TYPE]
    backups = [b for b in buckets if get_str(b.props, "purpose") == "backup"]
    if not backups:
        ctx.not_applicable("no bucket with purpose backup in the stack")
    places = _stack_places(ctx)
    shown = ", ".join(f"{o} in {c}" for o, c in sorted(places)) or "none resolved"
    for bucket in backups:
        try:
            url = get_str(bucket.props, "endpointUrl") or ""
            region = get_str(bucket.props, "region")
        except UnknownValueError:
            yield Finding("backup bucket: its endpoint is unknown during preview", bucket.urn)
            continue
        res = offers.resolve_s3(url, region, ctx.settings) if url else None
        if res is None or res.offer is None or not res.country:
            yield Finding(
                f"backup bucket on {url or 'no endpoint'!r}: not a catalogue region "
                f"({res.problem if res and res.problem else 'unresolved'})",
                bucket.urn,
            )
            continue
        if not places:
            yield Finding(
                f"backup bucket in {res.region} ({res.country}): the stack's own offer and country are "
                "unknown (no OpenStack provider resolves), so the backup's localisation cannot be checked",
                bucket.urn,
            )
        elif (res.offer.key, res.country) not in places:
            yield Finding(
                f"backup bucket in {res.region} of {res.offer.key} ({res.country}): outside the stack's "
                f"offer and country ({shown})",
                bucket.urn,
            )


BACKUP_REGION = stack_policy(
    Meta(
        name="sovereignty-backup-restrict-region",
        description=(
            "A backup bucket is in a catalogue region of the stack's own offer and country (another region, "
            "same localisation rules)."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Put backups in another region of the same offer in the same country (backups.region), on "
            "that region's catalogue S3 endpoint."
        ),
        references=("snc-12.5.d", "snc-19.2.b", "hds-exi-28"),
        types=(BUCKET_TYPE,),
        reads=(OPENSTACK_PROVIDER,),
    ),
    _backups,
)

POLICIES = (BACKUP_REGION,)
