"""The rules of an EncryptedBucket, over the dynamic resource's inputs (wire names).

Pure functions: the component calls validate_args before any child exists, and the dynamic
provider's check() calls props_failures, so both share one rule set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

import s3hardening
from components.catalogue import OfferCatalogue, load_catalogue
from components.errors import ConfigError
from components.object_storage_args import (
    CUSTODIES,
    DATA_CLASSES,
    ENCRYPTIONS,
    LOCK_MODES,
    LOG_MIN_RETENTION_DAYS,
    PURPOSES,
    VERSIONED_DATA_CLASSES,
    VERSIONED_PURPOSES,
    Ec2CredentialArgs,
    EncryptedBucketArgs,
    ObjectLockArgs,
    StaticS3Credentials,
)
from components.object_storage_endpoints import catalogue_s3_endpoints

SECRET_KEYS = ("accessKeyId", "secretAccessKey")
UNKNOWN = pulumi.runtime.rpc.UNKNOWN  # a value known only at update time (preview)


def _known(value: Any) -> bool:
    return value is not None and value != UNKNOWN


def props_failures(props: Mapping[str, Any]) -> list[ConfigError]:
    """Every rule the dynamic resource's inputs break, as ConfigErrors keyed by wire name."""
    errors: list[ConfigError] = []

    def fail(key: str, value: Any, allowed: str, *, secret: bool = False) -> None:
        errors.append(ConfigError(key, value, allowed, secret=secret))

    def choice(key: str, allowed: Sequence[str]) -> Any:
        value = props.get(key)
        if _known(value) and value not in allowed:
            fail(key, value, f"one of {', '.join(allowed)}")
        return value

    name = props.get("bucketName")
    if _known(name):
        try:
            s3hardening.validate_bucket_name(name)
        except s3hardening.S3SettingError as exc:
            errors.append(ConfigError.from_setting(exc))
    endpoint = props.get("endpointUrl")
    if _known(endpoint):
        try:
            s3hardening.validate_endpoint(
                endpoint, known=catalogue_s3_endpoints(), approved=props.get("approvedEndpoints") or ()
            )
        except s3hardening.S3SettingError as exc:
            errors.append(ConfigError.from_setting(exc))
    region = props.get("region")
    if _known(region) and (not isinstance(region, str) or not region):
        fail("region", region, "a non-empty region name")
    purpose = choice("purpose", PURPOSES)
    data_class = choice("dataClass", DATA_CLASSES)
    custody = choice("custody", CUSTODIES)
    encryption = choice("encryption", ENCRYPTIONS)
    for key in ("versioning", "blockPublicAccess", "denyInsecureTransport", "forceDestroy"):
        value = props.get(key)
        if _known(value) and not isinstance(value, bool):
            fail(key, value, "true or false")

    if encryption == s3hardening.SSE_C and _known(custody) and custody != "customer-held":
        fail("custody", custody, "customer-held when encryption is SSE-C (SSE-C keys stay with us)")
    if custody == "customer-held" and _known(encryption) and encryption != s3hardening.SSE_C:
        fail(
            "encryption",
            encryption,
            "SSE-C for customer-held custody (the offer's S3 has no SSE-KMS with customer keys)",
        )
    if data_class == "health":
        if _known(encryption) and encryption != s3hardening.SSE_C:
            fail("encryption", encryption, "SSE-C for health data (the provider must not hold keys)")
        if _known(custody) and custody != "customer-held":
            fail("custody", custody, "customer-held for health data")
    if (data_class in VERSIONED_DATA_CLASSES or purpose in VERSIONED_PURPOSES) and props.get(
        "versioning"
    ) is False:
        fail("versioning", False, f"true for {data_class} data / {purpose} buckets")
    if _known(data_class) and data_class != "public":
        if props.get("blockPublicAccess") is False:
            fail("blockPublicAccess", False, f"true for {data_class} data")
        if props.get("denyInsecureTransport") is False and data_class in ("sensitive", "health"):
            fail("denyInsecureTransport", False, f"true for {data_class} data")

    lock = props.get("objectLock")
    if _known(lock):
        if not isinstance(lock, Mapping):
            fail("objectLock", lock, "an object {mode, days} or null")
        else:
            mode, days = lock.get("mode"), lock.get("days")
            if isinstance(days, float) and days.is_integer():
                days = int(days)  # numbers cross the wire as doubles
            if mode not in LOCK_MODES:
                fail("objectLock.mode", mode, f"one of {', '.join(LOCK_MODES)}")
            elif purpose == "logs" and mode != "COMPLIANCE":
                # GOVERNANCE lets privileged users shorten retention: not a six-month guarantee.
                fail("objectLock.mode", mode, "COMPLIANCE for logs buckets (SecNumCloud 12.6.c)")
            if isinstance(days, bool) or not isinstance(days, int) or days < 1:
                fail("objectLock.days", lock.get("days"), "a positive integer")
            elif purpose == "logs" and days < LOG_MIN_RETENTION_DAYS:
                fail(
                    "objectLock.days",
                    days,
                    f"at least {LOG_MIN_RETENTION_DAYS} for logs buckets (SecNumCloud 12.6.c)",
                )
            if props.get("versioning") is False:
                fail("versioning", False, "true when objectLock is set")
    elif purpose == "logs" and lock is None:
        fail(
            "objectLock",
            None,
            f"object lock with at least {LOG_MIN_RETENTION_DAYS} days for logs buckets (SecNumCloud 12.6.c)",
        )
    limits = props.get("acceptedGatewayLimits")
    if _known(limits):
        try:
            s3hardening.validate_limits(limits if isinstance(limits, (list, tuple)) else str(limits))
        except s3hardening.S3SettingError as exc:
            errors.append(ConfigError.from_setting(exc))
    days = props.get("noncurrentVersionDays")
    if isinstance(days, float) and days.is_integer():
        days = int(days)
    if _known(days) and (isinstance(days, bool) or not isinstance(days, int) or days < 1):
        fail("noncurrentVersionDays", days, "null or a positive integer")
    for key in SECRET_KEYS:
        value = props.get(key)
        if value is None or (value != UNKNOWN and (not isinstance(value, str) or not value)):
            fail(key, value, "a non-empty secret string", secret=True)
    return errors


def resolve_endpoint(args: EncryptedBucketArgs, catalogue: OfferCatalogue | None = None) -> str:
    """The S3 endpoint for the args' offer and region, or ConfigError."""
    catalogue = catalogue or load_catalogue()
    if args.offer not in catalogue.offers:
        raise ConfigError("offer", args.offer, f"one of {', '.join(sorted(catalogue.offers))}")
    offer = catalogue.offer(args.offer)
    if offer.s3 is None:
        declared = offer.services.get("s3") == "declared"
        if not (declared and args.endpoint_url and args.approved_endpoints):
            raise ConfigError(
                "offer",
                args.offer,
                "an offer with an S3 API: this offer has "
                + (
                    "an S3 API only if the organisation declares it (set endpoint_url and list it "
                    "in approved_endpoints)"
                    if declared
                    else "no S3 API in the catalogue (Swift containers cannot carry S3 encryption "
                    "or object lock settings; EncryptedBucket does not fall back to Swift)"
                ),
            )
        return args.endpoint_url
    if offer.regions is not None and args.region not in offer.regions:
        raise ConfigError("region", args.region, f"one of {', '.join(offer.regions)}")
    encryption = args.encryption or _default_encryption(args.custody)
    if encryption not in offer.s3.sse_modes:
        raise ConfigError("encryption", encryption, f"one of {', '.join(offer.s3.sse_modes)} on {args.offer}")
    return args.endpoint_url or offer.s3.endpoint(args.region)


def _default_encryption(custody: str) -> str:
    return s3hardening.SSE_C if custody == "customer-held" else s3hardening.SSE_S3


def _object_lock(args: EncryptedBucketArgs) -> ObjectLockArgs | None:
    if args.object_lock is None and args.purpose == "logs":
        return ObjectLockArgs()
    return args.object_lock


def args_to_props(args: EncryptedBucketArgs, endpoint_url: str) -> dict[str, Any]:
    """The dynamic resource's inputs (wire names) for these args, credentials left out."""
    lock = _object_lock(args)
    props: dict[str, Any] = {
        "bucketName": args.bucket_name,
        "endpointUrl": endpoint_url,
        "region": _signing_region(args),
        "purpose": args.purpose,
        "dataClass": args.data_class,
        "custody": args.custody,
        "encryption": args.encryption or _default_encryption(args.custody),
        "versioning": args.versioning,
        "blockPublicAccess": args.block_public_access,
        "denyInsecureTransport": args.deny_insecure_transport,
        "noncurrentVersionDays": args.noncurrent_version_days,
        "forceDestroy": args.force_destroy,
    }
    if lock is not None:
        props["objectLock"] = {"mode": lock.mode, "days": lock.days}
    if args.approved_endpoints:
        props["approvedEndpoints"] = list(args.approved_endpoints)
    if args.accepted_gateway_limits:
        props["acceptedGatewayLimits"] = list(args.accepted_gateway_limits)
    return props


def _signing_region(args: EncryptedBucketArgs) -> str:
    # OVHcloud's S3 regions are the lower-case region names (as in the endpoint host).
    return args.region.lower()


def validate_args(args: EncryptedBucketArgs, catalogue: OfferCatalogue | None = None) -> dict[str, Any]:
    """Validate before any child exists; return the props. Raises the first ConfigError."""
    endpoint = resolve_endpoint(args, catalogue)
    props = args_to_props(args, endpoint)
    placeholder = dict.fromkeys(SECRET_KEYS, UNKNOWN)  # checked separately below
    errors = props_failures({**props, **placeholder})
    if errors:
        raise errors[0]
    creds = args.credentials
    if isinstance(creds, StaticS3Credentials):
        for key, value in (
            ("credentials.access_key_id", creds.access_key_id),
            ("credentials.secret_access_key", creds.secret_access_key),
        ):
            if value is None or (isinstance(value, str) and not value):
                raise ConfigError(key, value, "a non-empty secret", secret=True)
    elif not isinstance(creds, Ec2CredentialArgs):
        raise ConfigError("credentials", type(creds).__name__, "StaticS3Credentials or Ec2CredentialArgs")
    return props
