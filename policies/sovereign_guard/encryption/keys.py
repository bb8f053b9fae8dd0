"""Barbican secrets that hold key material: strong algorithms and key sizes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from ..config_fields import string_list
from ..framework import Context, Meta, resource_policy
from ..values import get, get_int, get_str

SECRET = "openstack:keymanager/secretV1:SecretV1"
KEY_SECRET_TYPES = ("symmetric", "private", "public")
NOT_KEY_SECRET_TYPES = ("passphrase", "certificate")


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
            "symmetricAlgorithms": string_list(["aes"], "Symmetric algorithms accepted"),
            "minSymmetricBits": {"type": "integer", "minimum": 128, "default": 256},
            "minRsaBits": {"type": "integer", "minimum": 2048, "default": 3072},
            "minEcBits": {"type": "integer", "minimum": 224, "default": 256},
        },
        types=(SECRET,),
    ),
    _algorithm,
)
