"""The text of a new stack file for an offer and region, every per-customer value marked REPLACE.

The values stand in for the organisation's own (documentation address ranges, all-zero ids,
`.invalid` hosts), so the file plans as it is and nothing in it can reach a real system by mistake.
"""

from __future__ import annotations

import datetime as dt

from .catalogue import OfferProfile
from .config import PROJECT

P = PROJECT
# A well-formed Ed25519 public key that belongs to nobody: the file plans, and nobody can log in.
# An example CA certificate (public, no key kept anywhere): REPLACE with your own log CA.
EXAMPLE_LOG_CA = "\n".join(
    (
        "-----BEGIN CERTIFICATE-----",
        "MIIB+TCCAZ+gAwIBAgIUWhE9/SoLwrQH/Nh8UkdH6DuuoaIwCgYIKoZIzj0EAwIw",
        "UjELMAkGA1UEBhMCRlIxIDAeBgNVBAoMF0V4YW1wbGUgaGVhbHRoIHBsYXRmb3Jt",
        "MSEwHwYDVQQDDBhFeGFtcGxlIGxvZyBDQSAoUkVQTEFDRSkwHhcNMjYxMjA0MTk1",
        "MDA3WhcNMzYxMjAxMTk1MDA3WjBSMQswCQYDVQQGEwJGUjEgMB4GA1UECgwXRXhh",
        "bXBsZSBoZWFsdGggcGxhdGZvcm0xITAfBgNVBAMMGEV4YW1wbGUgbG9nIENBIChS",
        "RVBMQUNFKTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABPWB95Z47gkTcsOdAcp2",
        "9/GHMhejLJCnpL0QNtiHbgMK6bbOdBt4AIu8YMa3bZRUnRa1Hhk8N+RwhWYrOK/5",
        "VIOjUzBRMB0GA1UdDgQWBBToANF6t5cXyu34fso8yQZxINISuTAfBgNVHSMEGDAW",
        "gBToANF6t5cXyu34fso8yQZxINISuTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49",
        "BAMCA0gAMEUCIDN9rzLJWPc0OIDojhgybuP1AsCD5OKBDHwZJlIKtN7SAiEA52mC",
        "4Ao2AuNP+zQdFZPVjvBnFQGErSEAc+BJ+QJsfds=",
        "-----END CERTIFICATE-----",
    )
)


EXAMPLE_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMQE+u0qcuvy8sN+CBdO2ffNvs3lQlQOfDWskTtmz4jV "
    "replace-me@example.invalid"
)


def _region_lines(offer: OfferProfile, region: str, country: str) -> str:
    if offer.regions is None:
        return (
            f"  {P}:region: {region}\n"
            "  # The offer's regions are per customer: the ISO code of this region's country.\n"
            f"  {P}:regionCountry: {country}\n"
        )
    return f"  {P}:region: {region}\n"


def _declares_s3(offer: OfferProfile) -> bool:
    return offer.s3 is None and offer.services.get("s3") == "declared"


def _endpoint_lines(offer: OfferProfile, region: str) -> str:
    lines = []
    if offer.keystone_per_customer:
        lines += [
            "    # REPLACE: the Keystone URL of your tenancy (per customer on this offer).",
            f"    keystone: https://keystone.{region.lower()}.replace-me.invalid/v3",
        ]
    if _declares_s3(offer):
        lines += [
            "    # REPLACE: your cloud's S3 endpoint (declaring it here approves it for the buckets).",
            f"    s3: https://s3.{region.lower()}.replace-me.invalid",
        ]
    return "".join(f"{line}\n" for line in [f"  {P}:endpoints:", *lines]) if lines else ""


def _supervision_lines(offer: OfferProfile) -> str:
    has_logs_bucket = offer.s3 is not None or _declares_s3(offer)
    ca = "".join(f"      {line}\n" for line in EXAMPLE_LOG_CA.splitlines())
    bucket = "    logsBucket: audit-logs\n" if has_logs_bucket else ""
    return (
        "  # The supervision zone's log collector (docs/supervision.md).\n"
        f"  {P}:supervision:\n"
        "    # REPLACE: flavor and image of your tenancy, and your log CA's certificate.\n"
        "    flavor: b3-8\n"
        "    imageId: 11111111-1111-1111-1111-111111111111\n"
        f"{bucket}"
        "    retentionDays: 365\n"
        "    caCertificate: |\n"
        f"{ca}"
    )


def _bucket_lines(offer: OfferProfile) -> str:
    if offer.s3 is None and not _declares_s3(offer):
        return (
            "  # No buckets: this offer has no S3 API in the catalogue, and Swift containers cannot\n"
            "  # carry S3 encryption or object-lock settings.\n"
        )
    return f"""  {P}:buckets:
    - name: app-data
      purpose: data
      key: objects
    - name: audit-logs
      purpose: logs
      key: objects
"""


def _qualification_lines(offer: OfferProfile, environment: str, today: dt.date) -> str:
    if offer.qualification.secnumcloud != "declared":
        return ""
    status = "qualified" if environment == "prod" else "not-qualified"
    return (
        "  # REPLACE: the organisation's own statement of this cloud's qualification, and who signs it.\n"
        f"  {P}:qualification:\n"
        f"    secnumcloud: {status}\n"
        f"    validUntil: {(today + dt.timedelta(days=365)).isoformat()}\n"
        "    approvedBy: REPLACE with the name of the approver\n"
        "    reference: REPLACE with the reference of the qualification decision\n"
    )


def _volume_lines(offer: OfferProfile) -> str:
    if offer.encrypted_volume_types:
        return ""
    return (
        "  # REPLACE: the encrypted (LUKS) volume types of your tenancy; the catalogue knows none here.\n"
        f"  {P}:encryptedVolumeTypes: [luks-replace-me]\n"
    )


def _resolver_lines(offer: OfferProfile) -> str:
    if offer.dns_resolvers:
        return ""
    return "    # REPLACE: your tenancy's resolvers.\n    dnsResolvers: [10.30.255.53]\n"


def render_stack_file(
    offer: OfferProfile, region: str, environment: str, country: str, today: dt.date
) -> str:
    qualified = offer.qualification.secnumcloud in ("qualified", "declared") and environment == "prod"
    data_class = "health" if qualified else "internal"
    return f"""# {environment}: {offer.name}, region {region}; written by `make new-stack`.
# Values marked REPLACE are per customer: replace each, then run `make policy-config STACK=<name>`.
config:
  {P}:environment: {environment}
  {P}:offer: {offer.key}
{_region_lines(offer, region, country)}  # health: on a qualified offer only.
  {P}:dataClassification: {data_class}
{_endpoint_lines(offer, region)}{_qualification_lines(offer, environment, today)}\
  # REPLACE: the administrators' egress ranges (this is a documentation range).
  {P}:adminCidrs:
    - 198.51.100.0/24
  {P}:network:
    zones:
      dmz: 10.30.0.0/24
      app: 10.30.1.0/24
      data: 10.30.2.0/24
      admin: 10.30.3.0/24
      supervision: 10.30.4.0/24
    exposedZones: [dmz]
    # REPLACE: the id of your tenancy's external network.
    externalNetworkId: 00000000-0000-0000-0000-000000000000
{_resolver_lines(offer)}  {P}:flows:
    - from: 0.0.0.0/0
      to: dmz
      protocol: tcp
      ports: 443
      justification: Public HTTPS entry point of the platform (TLS 1.2+ terminated in the dmz)
    - from: dmz
      to: app
      protocol: tcp
      ports: 8443
      justification: Reverse proxy forwards requests to the application tier over TLS
    - from: app
      to: data
      protocol: tcp
      ports: 5432
      justification: Application tier reads and writes its PostgreSQL database over TLS
{_volume_lines(offer)}  {P}:bastion:
    # REPLACE: flavor, image and external network of your tenancy.
    flavor: b3-8
    imageId: 11111111-1111-1111-1111-111111111111
    floatingIpPool: Ext-Net
    # REPLACE: the administrators' own public keys (Ed25519 or ECDSA preferred; RSA from 3072 bits).
    sshPublicKeys:
      - {EXAMPLE_KEY}
    # REPLACE: the hosts administrators reach through the bastion (ssh -J), one address:port each.
    permitOpen:
      - 10.30.1.10:22
      - 10.30.2.10:22
  # Customer-held keys (docs/key-custody.md): the provider never stores them.
  {P}:keys:
    - name: objects
      purpose: object-storage
      custody: customer-held
      generation: 1
    - name: backups
      purpose: backup
      custody: customer-held
      generation: 1
{_bucket_lines(offer)}{_supervision_lines(offer)}"""
