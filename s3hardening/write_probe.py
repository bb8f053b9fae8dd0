"""Decide the public access block from what the gateway answers: can the bucket still be written?

Ceph RGW before the fix of tracker 49135 (ceph/ceph#64290, 2025) refuses EVERY PutObject on a
bucket with BlockPublicAcls on. After setting the block, one empty probe object is written and its
version deleted again. If the write is refused with the full block but accepted without
BlockPublicAcls, the gateway has that defect: with limits.BLOCK_PUBLIC_ACLS_BREAKS_WRITES accepted
the flag stays off (IgnorePublicAcls still makes the gateway ignore public ACLs); otherwise the
full block is restored and GatewayLimitError names the key that accepts it.

A bucket that already has the accepted shape (BlockPublicAcls off, the other three on) keeps it
without a probe, so an update never blocks writes for a moment; to re-check after a gateway upgrade,
take the limit out of the config. A probe is written only where it cannot outlive the call: a bucket
without an object-lock default retention (a new bucket gets its retention in a later step); an
unreadable lock state counts as retained. A write refused with and without BlockPublicAcls is not
this defect (rights, a policy): the full block stays and nothing is decided here.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from .client import error_code
from .limits import BLOCK_PUBLIC_ACLS_BREAKS_WRITES, GatewayLimitError
from .spec import PUBLIC_ACCESS_BLOCK, PUBLIC_ACCESS_BLOCK_KEEPING_WRITES, BucketSpec

PROBE_KEY = ".slz-write-probe"
STEP = "public-access-block"
_DENIED = frozenset({"AccessDenied", "403"})


def _put_block(client: Any, name: str, flags: dict[str, bool]) -> None:
    client.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=dict(flags))


def _can_write(client: Any, name: str) -> bool:
    """Write and delete one empty probe object; False if the gateway denies the write."""
    try:
        answer = client.put_object(Bucket=name, Key=PROBE_KEY, Body=b"")
    except ClientError as exc:
        if error_code(exc) in _DENIED:
            return False
        raise
    version = answer.get("VersionId")
    if version:
        client.delete_object(Bucket=name, Key=PROBE_KEY, VersionId=version)
    else:
        client.delete_object(Bucket=name, Key=PROBE_KEY)
    return True


_NO_LOCK = frozenset({"ObjectLockConfigurationNotFoundError", "404"})


def _may_lock_a_probe(client: Any, name: str) -> bool:
    """True when a default retention is set, or when that cannot be known (then no probe)."""
    try:
        conf = client.get_object_lock_configuration(Bucket=name).get("ObjectLockConfiguration", {})
    except ClientError as exc:
        code = error_code(exc)
        # Not configured (AWS, moto and Ceph RGW answer this code, 404): nothing can lock it.
        return not (code in _NO_LOCK or code.startswith("NoSuch"))
    return bool(conf.get("Rule", {}).get("DefaultRetention"))


def _current_block(client: Any, name: str) -> dict[str, bool] | None:
    try:
        conf = client.get_public_access_block(Bucket=name)
    except ClientError:
        return None
    return {k: bool(v) for k, v in conf.get("PublicAccessBlockConfiguration", {}).items()}


def apply_public_access_block(client: Any, spec: BucketSpec) -> None:
    """Set the strongest public access block that leaves the bucket writable (see module doc)."""
    name = spec.name
    accepted = BLOCK_PUBLIC_ACLS_BREAKS_WRITES in spec.accepted_limits
    before = _current_block(client, name)
    if accepted and before == PUBLIC_ACCESS_BLOCK_KEEPING_WRITES:
        return  # decided when it was created: no full block, so no write outage, on each update
    if _may_lock_a_probe(client, name):
        _put_block(client, name, PUBLIC_ACCESS_BLOCK)
        return
    _put_block(client, name, PUBLIC_ACCESS_BLOCK)
    if _can_write(client, name):
        return
    _put_block(client, name, PUBLIC_ACCESS_BLOCK_KEEPING_WRITES)
    # A bucket that was writable with the flag off stays so; any other gets the full block back.
    restore = before if before == PUBLIC_ACCESS_BLOCK_KEEPING_WRITES else PUBLIC_ACCESS_BLOCK
    if not _can_write(client, name):
        # Refused either way: not this defect (rights, or a policy; moto applies a conditional
        # Deny to every put). Nothing to decide here.
        _put_block(client, name, restore)
        return
    if not accepted:
        _put_block(client, name, restore)  # a new bucket is then rolled back by the caller
        raise GatewayLimitError(BLOCK_PUBLIC_ACLS_BREAKS_WRITES, step=STEP, code="AccessDenied")
