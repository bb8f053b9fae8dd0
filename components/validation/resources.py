"""The buckets: rules that tie them to the stack's keys and data classes."""

from __future__ import annotations

from ..config import StackConfig, key
from ..errors import ConfigError


def check_buckets(cfg: StackConfig) -> None:
    keys = {spec.name: spec for spec in cfg.keys}
    names: set[str] = set()
    for i, bucket in enumerate(cfg.buckets):
        if bucket.name in names:
            raise ConfigError(key(f"buckets[{i}].name"), bucket.name, "a name not used by another bucket")
        names.add(bucket.name)
        data_class = bucket.data_class or cfg.data_classification
        spec = keys.get(bucket.key) if bucket.key else None
        if bucket.key and (spec is None or spec.purpose != "object-storage"):
            usable = sorted(k for k, s in keys.items() if s.purpose == "object-storage")
            raise ConfigError(
                key(f"buckets[{i}].key"), bucket.key, f"a key of `keys` with purpose object-storage: {usable}"
            )
        if spec is not None and spec.custody != "customer-held":
            raise ConfigError(
                key(f"buckets[{i}].key"),
                bucket.key,
                "a customer-held key: the offers' S3 has no SSE-KMS with customer keys, so a bucket "
                "is either SSE-C with a customer-held key or SSE-S3 without one",
            )
        if data_class in ("sensitive", "health") and spec is None:
            raise ConfigError(
                key(f"buckets[{i}].key"),
                bucket.key,
                f"a customer-held key for {data_class} data (SSE-C: the provider never stores the key)",
            )
