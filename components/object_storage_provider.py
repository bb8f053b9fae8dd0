"""The dynamic provider of EncryptedBucket: CRUD over s3hardening, and the dynamic resource.

The provider class lives in an importable module so that dill pickles it by reference; it holds no
client and no credential. Its wire type stays `pulumi-python:dynamic/object_storage:EncryptedBucket`
(module= and name= below, not this file's name): the policy pack and preflight refer to it.
Stacks deployed before the split pickled `components.object_storage.EncryptedBucketProvider`;
object_storage.py re-exports the class so that those pickles still load.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi.dynamic as dyn

import s3hardening
from components.errors import ConfigError
from components.object_storage_endpoints import catalogue_s3_endpoints
from components.object_storage_props import SECRET_KEYS, props_failures

DYNAMIC_MODULE = "object_storage"
DYNAMIC_NAME = "EncryptedBucket"
DYNAMIC_TYPE = f"pulumi-python:dynamic/{DYNAMIC_MODULE}:{DYNAMIC_NAME}"

# Changing any of these means another bucket: the provider replaces instead of updating.
REPLACE_KEYS = ("bucketName", "endpointUrl", "region")
# Output only: False after a refresh that found any audit gap; diff() then plans an update.
HARDENED_KEY = "hardened"
_NOT_INPUTS = frozenset({"__provider", "arn", "auditGaps", "auditNotices", HARDENED_KEY})


def _int(value: Any) -> int | None:
    if value is None:
        return None
    return int(value) if isinstance(value, float) and value.is_integer() else value


def spec_from_props(props: Mapping[str, Any]) -> s3hardening.BucketSpec:
    try:
        return _spec(props)
    except s3hardening.S3SettingError as exc:
        raise ConfigError.from_setting(exc) from None


def _spec(props: Mapping[str, Any]) -> s3hardening.BucketSpec:
    lock = props.get("objectLock")
    return s3hardening.BucketSpec(
        name=props["bucketName"],
        encryption=props.get("encryption", s3hardening.SSE_S3),
        versioning=bool(props.get("versioning", True)),
        block_public_access=bool(props.get("blockPublicAccess", True)),
        deny_insecure_transport=bool(props.get("denyInsecureTransport", True)),
        object_lock=(
            s3hardening.ObjectLock(mode=lock["mode"], days=_int(lock["days"]) or 0) if lock else None
        ),
        noncurrent_version_days=_int(props.get("noncurrentVersionDays")),
        accepted_limits=s3hardening.validate_limits(props.get("acceptedGatewayLimits") or ()),
    )


def target_from_props(props: Mapping[str, Any]) -> s3hardening.Target:
    try:
        endpoint = s3hardening.validate_endpoint(
            props["endpointUrl"],
            known=catalogue_s3_endpoints(),
            approved=props.get("approvedEndpoints") or (),
        )
    except s3hardening.S3SettingError as exc:
        raise ConfigError.from_setting(exc) from None
    return s3hardening.Target(
        endpoint=endpoint,
        region=props["region"],
        access_key_id=props.get("accessKeyId"),
        secret_access_key=props.get("secretAccessKey"),
    )


def _outs(props: Mapping[str, Any]) -> dict[str, Any]:
    outs = {k: v for k, v in props.items() if k != "__provider"}
    outs["arn"] = f"arn:aws:s3:::{props['bucketName']}"
    return outs


# How a gap found on refresh maps back onto the inputs, so that the next diff names the input
# that drifted. Every other gap (encryption removed, a public ACL or policy statement, retention
# shortened, a configuration that cannot be read, any future code) still counts as drift through
# the `hardened` marker below: refresh then up re-applies every step.
_DRIFT = {
    "VERSIONING_DISABLED": ("versioning", False),
    "PUBLIC_ACCESS_BLOCK_MISSING": ("blockPublicAccess", False),
    "PUBLIC_ACCESS_BLOCK_INCOMPLETE": ("blockPublicAccess", False),
    "POLICY_TLS_NOT_ENFORCED": ("denyInsecureTransport", False),
    # Lock off means a bucket created without it: only a replace can switch it on. A lock that is
    # on but lost its default retention is fixed in place (through `hardened`), never replaced.
    "OBJECT_LOCK_DISABLED": ("objectLock", None),
    "LIFECYCLE_NONCURRENT_MISSING": ("noncurrentVersionDays", None),
}


class EncryptedBucketProvider(dyn.ResourceProvider):
    """CRUD for one hardened bucket over s3hardening; stateless, so it pickles by reference."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> dyn.CheckResult:
        inputs = dict(news)
        inputs.setdefault("forceDestroy", False)
        failures = [dyn.CheckFailure(e.key, str(e)) for e in props_failures(inputs)]
        return dyn.CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        keys = (set(olds) | set(news)) - _NOT_INPUTS
        changed = sorted(k for k in keys if olds.get(k) != news.get(k))
        # A refresh found a gap (whatever its code): the update re-applies the whole hardening.
        drifted = olds.get(HARDENED_KEY) is False
        replaces = [k for k in changed if k in REPLACE_KEYS]
        # Object lock can only be switched on when the bucket is created.
        if "objectLock" in changed and not olds.get("objectLock") and news.get("objectLock"):
            replaces.append("objectLock")
        same_name = olds.get("bucketName") == news.get("bucketName")
        return dyn.DiffResult(
            changes=bool(changed) or drifted,
            replaces=replaces,
            delete_before_replace=bool(replaces) and same_name,
        )

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        spec = spec_from_props(props)
        s3hardening.create(target_from_props(props), spec, adopt_existing=False)
        return dyn.CreateResult(id_=spec.name, outs=_outs(props))

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        spec = spec_from_props({**props, "bucketName": props.get("bucketName") or id_})
        found = s3hardening.report(target_from_props({**props, "bucketName": spec.name}), spec)
        gaps = found.gaps
        if any(g.code == "BUCKET_MISSING" for g in gaps):
            return dyn.ReadResult(id_="", outs={})
        outs = _outs(props)
        for gap in gaps:
            if gap.code in _DRIFT:
                key, value = _DRIFT[gap.code]
                outs[key] = value
        outs["auditGaps"] = [g.code for g in gaps]
        # Accepted gateway limits and the bounds of the object sample: shown, never drift.
        outs["auditNotices"] = [n.code for n in found.notices]
        outs[HARDENED_KEY] = not gaps
        return dyn.ReadResult(id_=id_, outs=outs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        # Every step again (not only the drifted inputs), then an audit: raises if gaps remain.
        s3hardening.update(target_from_props(news), spec_from_props(news))
        return dyn.UpdateResult(outs=_outs(news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        name = props.get("bucketName") or id_
        # Only a literal true empties a bucket: a string "false" must never count as consent.
        s3hardening.delete(target_from_props(props), name, force=props.get("forceDestroy") is True)


class EncryptedBucketResource(dyn.Resource, module=DYNAMIC_MODULE, name=DYNAMIC_NAME):
    """The bucket itself: `pulumi-python:dynamic/object_storage:EncryptedBucket`."""

    # Dynamic resources keep the wire names as attribute names.
    bucketName: pulumi.Output[str]
    endpointUrl: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        secret_opts = pulumi.ResourceOptions(additional_secret_outputs=list(SECRET_KEYS))
        super().__init__(
            EncryptedBucketProvider(),
            name,
            {**props, "arn": None},
            pulumi.ResourceOptions.merge(opts, secret_opts),
        )
