"""Backups and data volumes: the `backups` and `dataVolumes` keys, their checks and their plan.

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

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from .errors import ConfigError
from .object_storage_args import Ec2CredentialArgs, EncryptedBucketArgs, ObjectLockArgs

if TYPE_CHECKING:
    from .catalogue import OfferCatalogue
    from .config import StackConfig

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


class DataVolumeConfig(_Model):
    """One volume of a stateful service of the data zone."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,30}$")
    size: int = Field(ge=1, le=16384)
    """Size in GiB."""
    volume_type: str | None = None
    """An encrypted volume type; by default the first one the offer or the stack declares."""


def _country(catalogue: OfferCatalogue, cfg: StackConfig, region: str) -> str | None:
    regions = catalogue.offer(cfg.offer).regions or {}
    return regions.get(region) or (cfg.region_country if region == cfg.region else None)


def check_backups(cfg: StackConfig, catalogue: OfferCatalogue) -> None:
    """Same offer, another region, same country, a customer-held backup key."""
    from .config import key

    backups = cfg.backups
    if backups is None:
        return
    if backups.offer is not None and backups.offer != cfg.offer:
        raise ConfigError(
            key("backups.offer"), backups.offer, f"the stack's own offer '{cfg.offer}' (or unset)"
        )
    country = _country(catalogue, cfg, cfg.region)
    regions = catalogue.offer(cfg.offer).regions
    if regions is None:
        # Regions per customer (a private cloud): the stack declares both countries.
        if backups.region == cfg.region or backups.region_country != cfg.region_country:
            raise ConfigError(
                key("backups.regionCountry"),
                backups.region_country,
                f"the stack's regionCountry '{cfg.region_country}', for a region other than '{cfg.region}' "
                "(SecNumCloud 3.2 12.5.d)",
            )
        regions = {}
    allowed = sorted(r for r, c in regions.items() if c == country and r != cfg.region)
    if regions and backups.region not in allowed:
        raise ConfigError(
            key("backups.region"),
            backups.region,
            f"another region of offer '{cfg.offer}' in {country or 'the same country'} "
            f"(SecNumCloud 3.2 12.5.d): {allowed or 'this offer has none in the catalogue'}",
        )
    spec = next((k for k in cfg.keys if k.name == backups.key), None)
    if spec is None or spec.purpose != "backup" or spec.custody != "customer-held":
        raise ConfigError(
            key("backups.key"),
            backups.key,
            "a key of `keys` with purpose backup and custody customer-held (the provider never holds it)",
        )


def backup_bucket_args(cfg: StackConfig) -> EncryptedBucketArgs | None:
    """The backup bucket in the backup region, customer-held, locked for the retention."""
    backups = cfg.backups
    if backups is None:
        return None
    return EncryptedBucketArgs(
        bucket_name=f"{cfg.name_prefix}-{cfg.environment}-{BACKUP_BUCKET}",
        offer=cfg.offer,
        region=backups.region,
        credentials=Ec2CredentialArgs(),
        purpose="backup",
        data_class=cfg.data_classification,
        custody="customer-held",
        object_lock=ObjectLockArgs(mode="COMPLIANCE", days=backups.retention_days),
        noncurrent_version_days=backups.retention_days,
        protect=cfg.protect,
    )
