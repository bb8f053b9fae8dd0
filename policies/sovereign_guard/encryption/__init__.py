"""Encryption policies, one subject per module, in the order the pack runs them.

- data_classes.py: which data classes a provider-held key may protect (no policy; shared with
  data_protection.py);
- volumes.py: volumes and boot disks on an encrypted volume type;
- keys.py: Barbican key material uses strong algorithms and sizes;
- buckets.py: buckets encrypt at rest, refuse plain HTTP, and use customer-held keys where needed.
"""

from __future__ import annotations

from .buckets import BUCKET_ENCRYPTION, CUSTOMER_KEY
from .data_classes import (
    DATA_CLASSES,
    PROVIDER_KEY_CLASSES,
    customer_held_classes_config,
    describe_class,
    needs_customer_key,
)
from .keys import (
    ALGORITHM,
    KEY_SECRET_TYPES,
    NOT_KEY_SECRET_TYPES,
    SECRET,
    is_key_material,
    require_key_material,
)
from .volumes import INSTANCE, VOLUME, VOLUME_TYPES

POLICIES = (VOLUME_TYPES, ALGORITHM, BUCKET_ENCRYPTION, CUSTOMER_KEY)

__all__ = [
    "ALGORITHM",
    "BUCKET_ENCRYPTION",
    "CUSTOMER_KEY",
    "DATA_CLASSES",
    "INSTANCE",
    "KEY_SECRET_TYPES",
    "NOT_KEY_SECRET_TYPES",
    "POLICIES",
    "PROVIDER_KEY_CLASSES",
    "SECRET",
    "VOLUME",
    "VOLUME_TYPES",
    "customer_held_classes_config",
    "describe_class",
    "is_key_material",
    "needs_customer_key",
    "require_key_material",
]
