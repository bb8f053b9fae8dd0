"""Data protection: which data a provider-held key may protect, which buckets keep versions, and
which resources must be protected against deletion."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from .config_fields import bounded_integer, string_list
from .encryption import (
    DATA_CLASSES,
    PROVIDER_KEY_CLASSES,
    SECRET,
    VOLUME,
    customer_held_classes_config,
    needs_customer_key,
    require_key_material,
)
from .framework import Context, Meta, resource_policy
from .provider_identity import BUCKET_TYPE
from .values import get, get_bool, get_int, get_map, get_str


def _kms_data_class(ctx: Context) -> Iterator[str]:
    require_key_material(ctx)
    props = ctx.args.props
    data_class = get_str(get_map(props, "metadata"), "data-class")
    forbidden = [str(c) for c in ctx.config.get("customerHeldClasses") or ()]
    if not data_class:
        yield (
            "no data-class in metadata: a key held by the provider (Barbican) is allowed only for classes "
            f"{' and '.join(PROVIDER_KEY_CLASSES)}; say which class it protects"
        )
    elif data_class not in DATA_CLASSES:
        yield (
            f"data-class {data_class!r} is not one of {list(DATA_CLASSES)}; treated as sensitive, which a "
            "provider-held key may not protect"
        )
    elif needs_customer_key(data_class, forbidden):
        yield (
            f"a Barbican (provider-held) key for data class {data_class}: that class needs "
            "customer-held custody, "
            "a key the provider never stores (SecNumCloud 3.3.2)"
        )


KMS_DATA_CLASS = resource_policy(
    Meta(
        name="data-protection-provider-kms-restrict-data-class",
        description=(
            "Barbican (provider-held) keys carry a data-class and never protect sensitive or health data."
        ),
        severity=Severity.CRITICAL,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Use custody customer-held in CustomerHeldKeys for sensitive and health data; set metadata "
            "data-class on every Barbican key."
        ),
        references=("snc-3.3.2", "snc-10.1.a", "snc-19.4", "hds-exi-28"),
        config=customer_held_classes_config(
            "Data classes whose keys the provider must not hold; every class other than public "
            "and internal always counts, so this list can only add"
        ),
        types=(SECRET,),
    ),
    _kms_data_class,
)


def _versioning(ctx: Context) -> Iterator[str]:
    props = ctx.args.props
    data_class = get_str(props, "dataClass")
    purpose = get_str(props, "purpose")
    classes = [str(c) for c in ctx.config.get("dataClasses") or ()]
    purposes = [str(p) for p in ctx.config.get("purposes") or ()]
    reasons = []
    if data_class is None:
        reasons.append("no dataClass (treated as health)")
    elif data_class not in DATA_CLASSES:
        reasons.append(f"data class {data_class!r} (not one of {', '.join(DATA_CLASSES)}: treated as health)")
    elif data_class in classes:
        reasons.append(f"data class {data_class}")
    if purpose in purposes:
        reasons.append(f"purpose {purpose}")
    if not reasons:
        ctx.not_applicable(f"data class {data_class!r}, purpose {purpose!r}: versioning not required")
    if get_bool(props, "versioning") is not True:
        yield (
            f"versioning is off for a bucket with {' and '.join(reasons)}: an overwrite or a "
            "deletion would be "
            "irreversible; set versioning to true"
        )


VERSIONING = resource_policy(
    Meta(
        name="data-protection-bucket-require-versioning",
        description="Health-data, log and state buckets keep every object version.",
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Set versioning to true (EncryptedBucket's default); expire noncurrent versions by lifecycle."
        ),
        references=("snc-12.6.c", "snc-12.5.d", "hds-exi-16"),
        config={
            "dataClasses": string_list(["health"], "Data classes whose buckets keep versions"),
            "purposes": string_list(
                ["logs", "state"], "Bucket purposes that keep versions (state: project choice)"
            ),
        },
        types=(BUCKET_TYPE,),
    ),
    _versioning,
)


def _log_retention(ctx: Context) -> Iterator[str]:
    props = ctx.args.props
    purpose = get_str(props, "purpose")
    purposes = [str(p) for p in ctx.config.get("purposes") or ()]
    if purpose not in purposes:
        ctx.not_applicable(f"purpose {purpose!r}: not a log bucket")
    minimum = int(ctx.config.get("minDays", 180))
    lock = get(props, "objectLock")
    if lock is None:
        yield (
            f"log bucket without objectLock: logs could be deleted or overwritten before {minimum} days; "
            f"set objectLock {{mode: COMPLIANCE, days: {minimum}}} or more"
        )
        return
    lock_map = get_map(props, "objectLock")
    mode = get_str(lock_map, "mode")
    days = get_int(lock_map, "days")
    if mode != "COMPLIANCE":
        yield (
            f"objectLock mode {mode!r}: only COMPLIANCE keeps anyone, privileged users included, from "
            "shortening the retention of logs"
        )
    if days is None:
        yield f"objectLock days {get(lock_map, 'days')!r} is not a number of days (at least {minimum})"
    elif days < minimum:
        yield f"objectLock keeps logs {days} days; at least {minimum} (SecNumCloud 3.2 12.6.c: six months)"


LOG_RETENTION = resource_policy(
    Meta(
        name="data-protection-bucket-require-log-retention",
        description=(
            "Log buckets keep every object under a COMPLIANCE object lock for at least the configured "
            "number of days (180 by default)."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Leave objectLock at EncryptedBucket's default for logs buckets (COMPLIANCE, 180 days) or set "
            "a longer retention; GOVERNANCE mode lets privileged users shorten it and is refused."
        ),
        references=("snc-12.6.c", "hds-exi-16"),
        config={
            "purposes": string_list(["logs"], "Bucket purposes that hold logs"),
            "minDays": bounded_integer(
                180, 180, 36500, "Shortest retention accepted (never below SecNumCloud's six months)"
            ),
        },
        types=(BUCKET_TYPE,),
    ),
    _log_retention,
)


# Resources whose deletion destroys data or the key that decrypts it: key material generated into
# the state (random), Barbican secrets, Cinder volumes, and the S3 buckets of EncryptedBucket.
STATEFUL_TYPES = {
    "random:index/randomBytes:RandomBytes": "key material generated into the state",
    "random:index/randomPassword:RandomPassword": "key material generated into the state",
    SECRET: "a Barbican secret",
    VOLUME: "a block-storage volume",
    BUCKET_TYPE: "a bucket and its objects",
}


def _protect(ctx: Context) -> Iterator[str]:
    rtype = ctx.args.resource_type
    if getattr(ctx.args.opts, "protect", False) is True:
        return
    what = STATEFUL_TYPES.get(rtype, "a stateful resource")
    yield (
        f"{what} without protect: `pulumi destroy`, a removed line of code or a replacement would delete "
        "it, and with a key every object it encrypts becomes unreadable (an unplanned crypto-shredding); "
        "set protect=True (the components' default)"
    )


STATEFUL_PROTECT = resource_policy(
    Meta(
        name="data-protection-stateful-require-protect",
        description=(
            "Key material, Barbican secrets, volumes and buckets carry the protect option, so that no "
            "update or destroy deletes them by accident."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Keep protect=True (CustomerHeldKeys, EncryptedVolume and EncryptedBucket set it by default). "
            "For a planned erasure by crypto-shredding (end of contract, key rotation), add a reasoned, "
            "expiring suppression for the resources concerned, then unprotect and destroy them."
        ),
        references=("snc-19.4", "snc-12.5"),
        config={
            "resourceTypes": string_list(STATEFUL_TYPES, "Resource types that must be protected", minLength=1)
        },
        types=tuple(STATEFUL_TYPES),
        types_from=lambda config: config.get("resourceTypes") or (),
    ),
    _protect,
)

POLICIES = (KMS_DATA_CLASS, VERSIONING, LOG_RETENTION, STATEFUL_PROTECT)
