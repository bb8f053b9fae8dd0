"""The supervision zone's collector: six months of logs at least, a CA certificate, never a key."""

from __future__ import annotations

from ..config import StackConfig, key
from ..errors import ConfigError
from ..supervision_config import MIN_RETENTION_DAYS, PEM_CERTIFICATE


def check_supervision(cfg: StackConfig) -> None:
    """Rules across keys: retention, the bucket it names, the CA's shape."""
    sup = cfg.supervision
    if sup is None:
        return
    if sup.retention_days < MIN_RETENTION_DAYS:
        raise ConfigError(
            key("supervision.retentionDays"),
            sup.retention_days,
            f"at least {MIN_RETENTION_DAYS} days (SecNumCloud 3.2 12.6.c: events kept six months)",
        )
    logs = [b.name for b in cfg.buckets if b.purpose == "logs"]
    if sup.logs_bucket is not None and sup.logs_bucket not in logs:
        raise ConfigError(
            key("supervision.logsBucket"),
            sup.logs_bucket,
            f"the name of a bucket with purpose 'logs' in buckets: {logs or 'none declared'}",
        )
    if not sup.ca_certificate.strip().startswith(PEM_CERTIFICATE):
        raise ConfigError(
            key("supervision.caCertificate"),
            sup.ca_certificate[:40],
            f"a PEM certificate starting with {PEM_CERTIFICATE} (the public CA certificate, never a key)",
        )
