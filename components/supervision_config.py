"""The `supervision` key: the log collector of the supervision zone.

SecNumCloud 3.2 12.7.c wants logs on separate central servers and 12.6.c keeps events for at
least six months: every instance of the landing zone ships its system and authentication logs over
TLS to one collector in the supervision zone (13.2.a keeps supervision flows apart), which uploads
them to the stack's COMPLIANCE-locked logs bucket with a per-object retention of `retentionDays`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

MIN_RETENTION_DAYS = 180  # SecNumCloud 3.2 12.6.c: six months
SYSLOG_TLS_PORT = 6514  # RFC 5425, syslog over TLS
PEM_CERTIFICATE = "-----BEGIN CERTIFICATE-----"


class SupervisionConfig(BaseModel):
    """The log collector instance of the supervision zone."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)

    flavor: str
    image_id: str
    logs_bucket: str | None = None
    """The `buckets` entry (purpose logs) the collector uploads to; without one (an offer with no
    S3 API) the logs stay on the collector's encrypted volume."""
    ca_certificate: str
    """PEM of the CA that signed the collector's certificate; every sender checks the collector with it."""
    collector_name: str = Field(default="collector.supervision.internal", pattern=r"^[a-z0-9.-]{3,253}$")
    """The name in the collector's certificate; senders refuse any other peer."""
    retention_days: int = Field(default=365, le=36500)
    """How long each uploaded log object is locked (COMPLIANCE mode): at least 180 days."""
    volume_size: int = Field(default=50, ge=20, le=2000)
    volume_type: str | None = None
    """An encrypted volume type; by default the first one the offer declares."""
