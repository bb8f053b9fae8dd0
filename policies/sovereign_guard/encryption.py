"""Encryption: volumes on encrypted types, strong Barbican keys, encrypted buckets, customer-held keys."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from . import catalogue
from .framework import Context, Meta, resource_policy
from .provider_identity import BUCKET_TYPE, resolve_provider
from .values import get, get_bool, get_int, get_list, get_str

VOLUME = "openstack:blockstorage/volume:Volume"
INSTANCE = "openstack:compute/instance:Instance"
SECRET = "openstack:keymanager/secretV1:SecretV1"
DATA_CLASSES = ("public", "internal", "sensitive", "health")
# The only classes a provider-held key may protect. Every other value (sensitive, health, a
# misspelt "Health", an unknown "phi", or none at all) needs customer-held keys: fail closed.
PROVIDER_KEY_CLASSES = ("public", "internal")
KEY_SECRET_TYPES = ("symmetric", "private", "public")
NOT_KEY_SECRET_TYPES = ("passphrase", "certificate")


def _known_volume_types(ctx: Context) -> tuple[set[str], str]:
    """Encrypted volume types for this resource's offer (or every offer), plus the approved ones."""
    approved = {str(t) for t in ctx.config.get("approvedVolumeTypes") or ()}
    provider = ctx.args.provider
    cat = catalogue.load()
    res = resolve_provider(provider, ctx.settings) if provider is not None else None
    if res is not None and res.offer is not None:
        return set(res.offer.encrypted_volume_types) | approved, f"offer {res.offer.key}"
    every = {t for o in cat.offers.values() for t in o.encrypted_volume_types}
    return every | approved, "catalogue"


def _volume_types(ctx: Context) -> Iterator[str]:
    rtype = ctx.args.resource_type
    known, source = _known_volume_types(ctx)
    listed = f"known encrypted types ({source} and approvedVolumeTypes): {', '.join(sorted(known)) or 'none'}"
    if rtype == VOLUME:
        vtype = get_str(ctx.args.props, "volumeType")
        if not vtype:
            yield f"no volumeType: the cloud's default type may not encrypt at rest; {listed}"
        elif vtype not in known:
            yield f"volumeType {vtype!r} is not known to encrypt at rest; {listed}"
        return
    devices = get_list(ctx.args.props, "blockDevices")
    boots_from_volume = False
    for index, device in enumerate(devices):
        destination = (get_str(device, "destinationType") or "").lower()
        source_type = (get_str(device, "sourceType") or "").lower()
        if destination != "volume":
            continue
        if get_int(device, "bootIndex") == 0:
            boots_from_volume = True
        if source_type == "volume":
            continue  # an existing volume: its own Volume resource is checked
        vtype = get_str(device, "volumeType")
        if not vtype:
            yield f"blockDevices[{index}] has no volumeType; {listed}"
        elif vtype not in known:
            yield f"blockDevices[{index}].volumeType {vtype!r} is not known to encrypt at rest; {listed}"
    if not boots_from_volume and not ctx.config.get("allowEphemeralRootDisk", False):
        yield (
            "the instance boots on the hypervisor's local disk, which is not encrypted by "
            "Cinder; boot from a "
            "volume of an encrypted type (blockDevices with destinationType volume and bootIndex 0)"
        )


VOLUME_TYPES = resource_policy(
    Meta(
        name="encryption-volume-require-encrypted-type",
        description=(
            "Volumes and boot disks use a volume type known to encrypt at rest (catalogue or approved)."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Create volumes with components/volumes.py (EncryptedVolume) or set volumeType "
            "to one of the offer's "
            "LUKS types; declare per-customer type names in approvedVolumeTypes of this policy's config."
        ),
        references=("snc-10.1.a", "hds-exi-28"),
        config={
            "approvedVolumeTypes": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "default": [],
                "description": "Volume types of the tenancy known to encrypt (per-customer names)",
            },
            "allowEphemeralRootDisk": {
                "type": "boolean",
                "default": False,
                "description": "Accept instances booting on the hypervisor's local disk",
            },
        },
        types=(VOLUME, INSTANCE),
    ),
    _volume_types,
)


# ---------------------------------------------------------------------------------------------


def is_key_material(props: Any) -> tuple[bool, str]:
    """Whether a Barbican secret holds key material, and why not when it does not."""
    stype = (get_str(props, "secretType") or "opaque").lower()
    algorithm = get_str(props, "algorithm")
    if stype in NOT_KEY_SECRET_TYPES:
        return False, f"secretType {stype} is not key material"
    if stype == "opaque" and not algorithm:
        return False, "opaque secret without an algorithm (not key material)"
    return True, ""


def require_key_material(ctx: Context) -> None:
    """Skip the resource as not applicable unless the Barbican secret holds key material."""
    key, why = is_key_material(ctx.args.props)
    if not key:
        ctx.not_applicable(why)


def _algorithm(ctx: Context) -> Iterator[str]:
    require_key_material(ctx)
    props = ctx.args.props
    stype = (get_str(props, "secretType") or "opaque").lower()
    algorithm = (get_str(props, "algorithm") or "").lower()
    bits = get_int(props, "bitLength")
    mode = (get_str(props, "mode") or "").lower()
    cfg = ctx.config
    if stype in ("symmetric", "opaque"):
        allowed = [str(a).lower() for a in cfg.get("symmetricAlgorithms") or ()]
        minimum = int(cfg.get("minSymmetricBits", 256))
        if algorithm not in allowed:
            yield f"symmetric algorithm {algorithm or '(none)'!r} is not one of {allowed}"
        if bits is None:
            yield f"no bitLength: the key size cannot be checked (at least {minimum} bits)"
        elif bits < minimum:
            yield (
                f"{algorithm or 'symmetric'!r} key of {bits} bits; at least {minimum} (AES-256 "
                "is this project's "
                "choice, stricter than ANSSI's 128-bit minimum)"
            )
        if mode == "ecb":
            yield "mode ecb leaks patterns of the plaintext; use gcm (authenticated) or xts for disks"
        elif get(props, "mode") is not None and get_str(props, "mode") is None:
            yield f"mode is a {type(get(props, 'mode')).__name__}, not a cipher mode: it cannot be judged"
        return
    minimums = {
        "rsa": int(cfg.get("minRsaBits", 3072)),
        "ec": int(cfg.get("minEcBits", 256)),
        "ecdsa": int(cfg.get("minEcBits", 256)),
    }
    if algorithm not in minimums:
        yield (
            f"asymmetric algorithm {algorithm or '(none)'!r} is not one of rsa, ec (DSA is refused by ANSSI)"
        )
        return
    if bits is None:
        yield f"no bitLength: the {algorithm} key size cannot be checked"
    elif bits < minimums[algorithm]:
        yield (
            f"{algorithm} key of {bits} bits; at least {minimums[algorithm]} (RSA-3072 and EC-256 are this "
            "project's choice, stricter than ANSSI's RSA-2048 until 2030)"
        )


ALGORITHM = resource_policy(
    Meta(
        name="encryption-secret-require-strong-algorithm",
        description=(
            "Barbican keys are AES of at least 256 bits, or RSA of at least 3072 / EC of at least 256 bits."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Set algorithm aes, bitLength 256 and mode gcm (symmetric), or rsa 3072+ / ec 256+ (asymmetric)."
        ),
        references=(
            "snc-10.1.a",
            "snc-10.5.c",
            "crypto-sym",
            "crypto-rsa",
            "choice-aes256",
            "choice-rsa3072",
        ),
        config={
            "symmetricAlgorithms": {
                "type": "array",
                "items": {"type": "string"},
                "default": ["aes"],
                "description": "Symmetric algorithms accepted",
            },
            "minSymmetricBits": {"type": "integer", "minimum": 128, "default": 256},
            "minRsaBits": {"type": "integer", "minimum": 2048, "default": 3072},
            "minEcBits": {"type": "integer", "minimum": 224, "default": 256},
        },
        types=(SECRET,),
    ),
    _algorithm,
)


# ---------------------------------------------------------------------------------------------


def _bucket_encryption(ctx: Context) -> Iterator[str]:
    props = ctx.args.props
    allowed = [str(m) for m in ctx.config.get("allowedModes") or ()]
    mode = get_str(props, "encryption")
    if not mode:
        yield f"no encryption: objects would be stored in clear; set encryption to one of {allowed}"
    elif mode not in allowed:
        yield f"encryption {mode!r} is not one of {allowed}"
    deny_insecure = get_bool(props, "denyInsecureTransport")
    if deny_insecure is not True:
        yield "denyInsecureTransport is not true: the bucket policy must refuse requests without TLS"


BUCKET_ENCRYPTION = resource_policy(
    Meta(
        name="encryption-bucket-require-encryption",
        description="Buckets encrypt every object at rest (SSE-C or SSE-S3) and refuse requests without TLS.",
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Create buckets with EncryptedBucket defaults: encryption from custody, "
            "denyInsecureTransport true."
        ),
        references=("snc-10.1.a", "snc-10.2", "hds-exi-28"),
        config={
            "allowedModes": {
                "type": "array",
                "items": {"type": "string", "enum": ["SSE-C", "SSE-S3", "SSE-KMS"]},
                "default": ["SSE-C", "SSE-S3"],
                "description": "Server-side encryption modes accepted",
            }
        },
        types=(BUCKET_TYPE,),
    ),
    _bucket_encryption,
)


def customer_held_classes_config(description: str) -> dict[str, Any]:
    """The config schema shared by the policies that keep keys of some data classes off the provider."""
    return {
        "customerHeldClasses": {
            "type": "array",
            "items": {"type": "string"},
            "default": ["sensitive", "health"],
            "description": description,
        }
    }


def needs_customer_key(data_class: str | None, configured: list[str]) -> bool:
    """Whether a data class needs customer-held keys: every class but public and internal, plus
    any class the policy config adds."""
    return data_class not in PROVIDER_KEY_CLASSES or data_class in configured


def describe_class(data_class: str | None) -> str:
    if data_class is None:
        return "no dataClass (treated as sensitive)"
    if data_class not in DATA_CLASSES:
        return f"data class {data_class!r} (not one of {', '.join(DATA_CLASSES)}: treated as sensitive)"
    return f"data class {data_class}"


def _customer_key(ctx: Context) -> Iterator[str]:
    props = ctx.args.props
    custody = get_str(props, "custody")
    mode = get_str(props, "encryption")
    data_class = get_str(props, "dataClass")
    classes = [str(c) for c in ctx.config.get("customerHeldClasses") or ()]
    needs_customer = needs_customer_key(data_class, classes)
    if custody == "customer-held" and mode != "SSE-C":
        yield (
            f"custody customer-held with encryption {mode or '(none)'!r}: only SSE-C keeps "
            "the key out of the "
            "provider's hands (the key is sent per request and never stored)"
        )
    if needs_customer and custody != "customer-held":
        yield (
            f"{describe_class(data_class)} with custody {custody or '(none)'!r}: every data class but "
            f"{' and '.join(PROVIDER_KEY_CLASSES)} needs customer-held keys "
            "(SecNumCloud 3.3.2: no technical guarantee against the provider otherwise)"
        )
    if not needs_customer and custody is None:
        ctx.not_applicable(f"data class {data_class} without custody requirement")


CUSTOMER_KEY = resource_policy(
    Meta(
        name="encryption-bucket-require-customer-held-key",
        description=(
            "Buckets of any data class but public and internal (unknown or missing classes included) use "
            "customer-held keys, and customer-held custody means SSE-C."
        ),
        severity=Severity.CRITICAL,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Take the bucket's key from CustomerHeldKeys with custody customer-held and set "
            "encryption SSE-C; "
            "provider-held keys are for public and internal data only."
        ),
        references=("snc-3.3.2", "snc-10.1.a", "snc-19.4", "hds-exi-28"),
        config=customer_held_classes_config(
            "Data classes that need customer-held custody; every class other than public and "
            "internal (unknown ones and none included) always does, so this list can only add"
        ),
        types=(BUCKET_TYPE,),
    ),
    _customer_key,
)

POLICIES = (VOLUME_TYPES, ALGORITHM, BUCKET_ENCRYPTION, CUSTOMER_KEY)
