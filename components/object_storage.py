"""EncryptedBucket: a hardened bucket on the offer's S3 API, through a boto3 dynamic provider.

pulumi-openstack cannot set S3 encryption, versioning, object lock or bucket policies, so the
bucket is a Pulumi dynamic resource whose provider calls the shared `s3hardening` module (the
same code the `statebackend` CLI uses). The provider class lives in this importable module so
that dill pickles it by reference; it holds no client and no credential.

Rules enforced both here (before any resource exists) and in the provider's check():
- health data requires SSE-C with customer-held custody (SecNumCloud 3.3.2 framing: the provider
  must not hold the key); SSE-C and customer-held custody go together;
- health, logs and state buckets keep versioning;
- logs buckets keep object lock with at least 180 days of retention (SecNumCloud 12.6.c);
- non-public data never goes without the public access block or the TLS-only policy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi.dynamic as dyn
import pulumi_openstack as openstack

import s3hardening
from components.catalogue import OfferCatalogue, load_catalogue
from components.errors import ConfigError
from components.object_storage_endpoints import catalogue_s3_endpoints

TYPE_TOKEN = "sovereign:storage:EncryptedBucket"
DYNAMIC_MODULE = "object_storage"
DYNAMIC_NAME = "EncryptedBucket"

PURPOSES = ("data", "logs", "state", "backup")
DATA_CLASSES = ("public", "internal", "sensitive", "health")
CUSTODIES = ("customer-held", "provider-kms", "provider-managed")
ENCRYPTIONS = (s3hardening.SSE_C, s3hardening.SSE_S3)
LOCK_MODES = ("COMPLIANCE", "GOVERNANCE")
LOG_MIN_RETENTION_DAYS = 180
"""SecNumCloud 3.2, 12.6.c: events kept at least six months."""
VERSIONED_PURPOSES = ("logs", "state")
VERSIONED_DATA_CLASSES = ("health",)

SECRET_KEYS = ("accessKeyId", "secretAccessKey")
# Changing any of these means another bucket: the provider replaces instead of updating.
REPLACE_KEYS = ("bucketName", "endpointUrl", "region")
# Output only: False after a refresh that found any audit gap; diff() then plans an update.
HARDENED_KEY = "hardened"
_NOT_INPUTS = frozenset({"__provider", "arn", "auditGaps", HARDENED_KEY})
_UNKNOWN = pulumi.runtime.rpc.UNKNOWN  # a value known only at update time (preview)


# ---------------------------------------------------------------------------------------------
# args


@dataclass(frozen=True)
class ObjectLockArgs:
    """Object lock with a default retention on every new object version."""

    mode: str = "COMPLIANCE"
    """COMPLIANCE (nobody can shorten retention) or GOVERNANCE (privileged users can)."""
    days: int = LOG_MIN_RETENTION_DAYS
    """Default retention in days."""


@dataclass(frozen=True)
class StaticS3Credentials:
    """S3 (EC2-style) credentials passed in; both are wrapped as Pulumi secrets."""

    access_key_id: pulumi.Input[str]
    """Access key id, e.g. from a stack secret."""
    secret_access_key: pulumi.Input[str]
    """Secret access key, e.g. from a stack secret."""


@dataclass(frozen=True)
class Ec2CredentialArgs:
    """Create a Keystone EC2 credential (openstack.identity.Ec2CredentialV3) as a child."""

    project_id: pulumi.Input[str] | None = None
    """Project the credential is scoped to; None: the provider's project."""
    user_id: pulumi.Input[str] | None = None
    """User the credential is for; None: the authenticated user."""
    provider: pulumi.ProviderResource | None = None
    """Explicit openstack provider; None: the default provider."""


@dataclass(frozen=True)
class EncryptedBucketArgs:
    """Settings of one hardened bucket (secure by default)."""

    bucket_name: str
    """Bucket name (S3 rules; no dots)."""
    offer: str
    """Catalogue offer key, e.g. ovh-public-cloud; it must offer S3."""
    region: str
    """Offer region, e.g. GRA11; picks the catalogue endpoint and the signing region."""
    credentials: StaticS3Credentials | Ec2CredentialArgs
    """Where the S3 credentials come from; they reach the provider as secrets only."""
    purpose: str = "data"
    """data, logs, state or backup."""
    data_class: str = "sensitive"
    """public, internal, sensitive or health."""
    custody: str = "customer-held"
    """Key custody from CustomerHeldKeys: customer-held, provider-kms or provider-managed."""
    encryption: str | None = None
    """SSE-C or SSE-S3; None derives it from custody (customer-held: SSE-C)."""
    versioning: bool = True
    """Keep every object version (forced on for health, logs and state)."""
    block_public_access: bool = True
    """Public access block with all four flags."""
    deny_insecure_transport: bool = True
    """Bucket policy denying requests without TLS."""
    object_lock: ObjectLockArgs | None = None
    """Object lock; None means none, except logs buckets, which get COMPLIANCE 180 days."""
    noncurrent_version_days: int | None = 90
    """Expire noncurrent versions after this many days; None keeps them forever."""
    force_destroy: bool = False
    """Let delete empty a non-empty bucket first; off, delete refuses a non-empty bucket."""
    protect: bool = True
    """Protect the bucket resource from deletion (it is stateful)."""
    endpoint_url: str | None = None
    """Override the catalogue endpoint; must be in the catalogue or in approved_endpoints."""
    approved_endpoints: tuple[str, ...] = field(default_factory=tuple)
    """Endpoints outside the catalogue that the organisation approved explicitly."""


# ---------------------------------------------------------------------------------------------
# validation (pure; wire names, so check() and the Args share one rule set)


def _known(value: Any) -> bool:
    return value is not None and value != _UNKNOWN


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
    days = props.get("noncurrentVersionDays")
    if isinstance(days, float) and days.is_integer():
        days = int(days)
    if _known(days) and (isinstance(days, bool) or not isinstance(days, int) or days < 1):
        fail("noncurrentVersionDays", days, "null or a positive integer")
    for key in SECRET_KEYS:
        value = props.get(key)
        if value is None or (value != _UNKNOWN and (not isinstance(value, str) or not value)):
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
    return props


def _signing_region(args: EncryptedBucketArgs) -> str:
    # OVHcloud's S3 regions are the lower-case region names (as in the endpoint host).
    return args.region.lower()


def validate_args(args: EncryptedBucketArgs, catalogue: OfferCatalogue | None = None) -> dict[str, Any]:
    """Validate before any child exists; return the props. Raises the first ConfigError."""
    endpoint = resolve_endpoint(args, catalogue)
    props = args_to_props(args, endpoint)
    placeholder = dict.fromkeys(SECRET_KEYS, _UNKNOWN)  # checked separately below
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


# ---------------------------------------------------------------------------------------------
# dynamic provider


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
    "POLICY_SSE_C_NOT_ENFORCED": ("encryption", s3hardening.SSE_S3),
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
        gaps = s3hardening.audit(target_from_props({**props, "bucketName": spec.name}), spec)
        if any(g.code == "BUCKET_MISSING" for g in gaps):
            return dyn.ReadResult(id_="", outs={})
        outs = _outs(props)
        for gap in gaps:
            if gap.code in _DRIFT:
                key, value = _DRIFT[gap.code]
                outs[key] = value
        outs["auditGaps"] = [g.code for g in gaps]
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


# ---------------------------------------------------------------------------------------------
# component


class EncryptedBucket(pulumi.ComponentResource):
    """A hardened, encrypted bucket on the offer's S3 API."""

    bucket_name: pulumi.Output[str]
    endpoint_url: pulumi.Output[str]
    region: pulumi.Output[str]
    arn: pulumi.Output[str]
    encryption: pulumi.Output[str]
    custody: pulumi.Output[str]
    data_class: pulumi.Output[str]
    purpose: pulumi.Output[str]
    versioning: pulumi.Output[bool]
    object_lock_days: pulumi.Output[int | None]
    """Default retention in days, or None without object lock."""
    ec2_credential: openstack.identity.Ec2CredentialV3 | None
    """The Keystone EC2 credential child, or None with static credentials."""
    bucket: EncryptedBucketResource

    def __init__(
        self,
        name: str,
        args: EncryptedBucketArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        catalogue: OfferCatalogue | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        props = validate_args(args, catalogue)

        creds = args.credentials
        self.ec2_credential = None
        if isinstance(creds, Ec2CredentialArgs):
            self.ec2_credential = openstack.identity.Ec2CredentialV3(
                f"{name}-ec2-credential",
                project_id=creds.project_id,
                user_id=creds.user_id,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    provider=creds.provider,
                    additional_secret_outputs=["access", "secret"],
                ),
            )
            access: pulumi.Input[str] = self.ec2_credential.access
            secret: pulumi.Input[str] = self.ec2_credential.secret
        else:
            access, secret = creds.access_key_id, creds.secret_access_key
        props["accessKeyId"] = pulumi.Output.secret(access)
        props["secretAccessKey"] = pulumi.Output.secret(secret)

        depends = [self.ec2_credential] if self.ec2_credential is not None else []
        self.bucket = EncryptedBucketResource(
            f"{name}-bucket",
            props,
            pulumi.ResourceOptions(parent=self, protect=args.protect, depends_on=depends),
        )
        lock = props.get("objectLock")
        self.bucket_name = self.bucket.bucketName
        self.endpoint_url = self.bucket.endpointUrl
        self.arn = self.bucket.arn
        self.region = pulumi.Output.from_input(props["region"])
        self.encryption = pulumi.Output.from_input(props["encryption"])
        self.custody = pulumi.Output.from_input(props["custody"])
        self.data_class = pulumi.Output.from_input(props["dataClass"])
        self.purpose = pulumi.Output.from_input(props["purpose"])
        self.versioning = pulumi.Output.from_input(props["versioning"])
        self.object_lock_days = pulumi.Output.from_input(lock["days"] if lock else None)
        self.register_outputs(
            {
                "bucket_name": self.bucket_name,
                "endpoint_url": self.endpoint_url,
                "region": self.region,
                "arn": self.arn,
                "encryption": self.encryption,
                "custody": self.custody,
                "data_class": self.data_class,
                "purpose": self.purpose,
                "versioning": self.versioning,
                "object_lock_days": self.object_lock_days,
            }
        )
