"""Backups and data volumes: the `backups` and `dataVolumes` keys (their rules: validation/backups.py; the
backup bucket's args: landing_zone_plan.py).

- `dataVolumes`: the data zone's stateful services get EncryptedVolumes (an encrypted volume type,
  protected), declared in the stack file.
- `backups`: a backup bucket in another region of the same offer and the same country (SecNumCloud
  3.2 12.5.d: backups under the same localisation rules; a second region survives the loss of the
  first). Its custody is the customer-held `backup` key: the bucket refuses any object without
  SSE-C, and the backup job encrypts client-side with the same key before upload, so the provider
  never holds a readable copy (docs/backups.md). Objects are locked in COMPLIANCE mode for
  `retentionDays`, so a compromised administrator cannot erase the backups either.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

BACKUP_BUCKET = "backups"


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)


class BackupsConfig(_Model):
    """Where the data zone's backups go."""

    region: str
    """Another region of the stack's offer, in the same country."""
    offer: str | None = None
    """Defaults to the stack's offer; any other offer is refused (same contract, same rules)."""
    region_country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    """ISO code of the backup region's country, required where the offer's regions are per customer."""
    key: str = "backups"
    """A customer-held key of `keys` with purpose backup."""
    retention_days: int = Field(default=35, ge=7, le=3650)
    """How long each backup object is locked (COMPLIANCE) and kept."""
    s3_endpoint: str | None = Field(default=None, pattern=r"^https://")
    """The backup region's S3 endpoint, where the offer's S3 is the organisation's own (private
    clouds): declaring it here approves it, as `endpoints.s3` does for the stack's region."""


class DataVolumeConfig(_Model):
    """One volume of a stateful service of the data zone."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,30}$")
    size: int = Field(ge=1, le=16384)
    """Size in GiB."""
    volume_type: str | None = None
    """An encrypted volume type; by default the first one the offer or the stack declares."""
