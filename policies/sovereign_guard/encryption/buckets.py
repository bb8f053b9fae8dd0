"""Buckets: encrypted at rest, TLS only, and customer-held keys for every class but public and internal."""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from ..config_fields import string_list
from ..framework import Context, Meta, resource_policy
from ..provider_identity import BUCKET_TYPE
from ..values import get_bool, get_str
from .data_classes import (
    PROVIDER_KEY_CLASSES,
    customer_held_classes_config,
    describe_class,
    needs_customer_key,
)


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
            "allowedModes": string_list(
                ["SSE-C", "SSE-S3"],
                "Server-side encryption modes accepted",
                enum=["SSE-C", "SSE-S3", "SSE-KMS"],
            )
        },
        types=(BUCKET_TYPE,),
    ),
    _bucket_encryption,
)


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
