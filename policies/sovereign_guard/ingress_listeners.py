"""Octavia listeners that terminate TLS: versions, suites, certificate and its issuer.

A TERMINATED_HTTPS listener whose `tlsVersions` or `tlsCiphers` are unset takes the Octavia
deployment's defaults, which the program cannot see and which older releases set to TLS 1.0 and
CBC suites: unset is a violation, not a pass. The suites are OpenSSL names (colon-separated, as
Octavia takes them); a suite passes when it is a TLS 1.3 suite (always ECDHE and AEAD) or an ECDHE
suite with an AEAD cipher (GCM, CCM, ChaCha20-Poly1305) (ANSSI TLS guide R6/R7, R10).
The certificate's issuer is known to the pack only when the program states it, as the listener tag
`certificate-issuer-country:<ISO code>` (components/ingress.py writes it from the stack file).
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, Severity

from . import catalogue
from .framework import Context, Meta, resource_policy
from .network.graph import tags_of
from .values import get_list, get_str

LISTENER = "openstack:loadbalancer/listener:Listener"
TLS_PROTOCOLS = ("TERMINATED_HTTPS",)
ALLOWED_VERSIONS = ("TLSv1.2", "TLSv1.3")
AEAD_MARKERS = ("-GCM-", "-CCM", "CHACHA20-POLY1305")
ISSUER_TAG = "certificate-issuer-country:"


def _terminated(ctx: Context) -> None:
    protocol = get_str(ctx.args.props, "protocol")
    if protocol not in TLS_PROTOCOLS:
        ctx.not_applicable(f"listener protocol {protocol!r} does not terminate TLS")


def cipher_problem(suite: str) -> str | None:
    """Why an OpenSSL suite name is refused, or None."""
    if suite.startswith("TLS_") and ("_GCM_" in suite or "_CCM" in suite or "CHACHA20_POLY1305" in suite):
        return None  # a TLS 1.3 suite: the key exchange is always (EC)DHE
    if not suite.startswith("ECDHE-"):
        return "no ECDHE key exchange (no forward secrecy)"
    if not any(marker in suite for marker in AEAD_MARKERS):
        return "not an AEAD cipher"
    return None


def _versions(ctx: Context) -> Iterator[str]:
    _terminated(ctx)
    versions = [str(v) for v in get_list(ctx.args.props, "tlsVersions")]
    if not versions:
        yield "tlsVersions is unset: the listener takes the deployment's defaults (set TLSv1.2, TLSv1.3)"
        return
    old = [v for v in versions if v not in ALLOWED_VERSIONS]
    if old:
        yield f"tlsVersions allows {', '.join(old)}: only {' and '.join(ALLOWED_VERSIONS)} are accepted"


def _ciphers(ctx: Context) -> Iterator[str]:
    _terminated(ctx)
    text = get_str(ctx.args.props, "tlsCiphers") or ""
    suites = [s.strip() for s in text.split(":") if s.strip()]
    if not suites:
        yield "tlsCiphers is unset: the listener takes the deployment's defaults (list ECDHE AEAD suites)"
        return
    for suite in suites:
        problem = cipher_problem(suite)
        if problem:
            yield f"tlsCiphers includes {suite}: {problem}"


def _certificate(ctx: Context) -> Iterator[str]:
    _terminated(ctx)
    if not get_str(ctx.args.props, "defaultTlsContainerRef"):
        yield "TERMINATED_HTTPS listener without defaultTlsContainerRef: it has no certificate to serve"


def _issuer(ctx: Context) -> Iterator[str]:
    _terminated(ctx)
    countries = [t[len(ISSUER_TAG) :] for t in tags_of(ctx.args) if t.startswith(ISSUER_TAG)]
    if not countries:
        ctx.not_applicable(f"the program does not state the certificate's issuer (no {ISSUER_TAG}<ISO> tag)")
    eu = catalogue.load().eu_countries
    for country in countries:
        if country not in eu:
            yield f"the certificate's issuer is in {country!r}, outside the EU member states"


_TLS_REFS = ("snc-10.2", "tls-r3", "tls-r4")

VERSIONS = resource_policy(
    Meta(
        name="encryption-listener-restrict-tls-versions",
        description="A listener terminating TLS lists its tlsVersions, and only TLS 1.2 and 1.3.",
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation="Set tlsVersions to [TLSv1.2, TLSv1.3] on the listener (never leave it to the defaults).",
        references=_TLS_REFS,
        types=(LISTENER,),
    ),
    _versions,
)

CIPHERS = resource_policy(
    Meta(
        name="encryption-listener-restrict-ciphers",
        description=(
            "A listener terminating TLS lists its tlsCiphers, each with ECDHE key exchange (forward "
            "secrecy) and an AEAD cipher, or a TLS 1.3 suite."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Set tlsCiphers to ECDHE AEAD suites only, e.g. ECDHE-ECDSA-AES256-GCM-SHA384:"
            "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256."
        ),
        references=("snc-10.2", "tls-r6-r7", "tls-r10"),
        types=(LISTENER,),
    ),
    _ciphers,
)

CERTIFICATE = resource_policy(
    Meta(
        name="encryption-listener-require-certificate",
        description="A TERMINATED_HTTPS listener references its certificate (defaultTlsContainerRef).",
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Store the certificate, chain and key in a Barbican certificate container and set its "
            "reference as defaultTlsContainerRef."
        ),
        references=("snc-10.2", "snc-10.5.c"),
        types=(LISTENER,),
    ),
    _certificate,
)

ISSUER = resource_policy(
    Meta(
        name="sovereignty-certificate-restrict-issuer",
        description=(
            "Where the program states a listener certificate's issuer (tag "
            "certificate-issuer-country:<ISO>), the CA is in an EU member state."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Use a certificate issued by a CA established in an EU member state (SecNumCloud 3.2 10.6.a)."
        ),
        references=("snc-10.6.a", "snc-10.2"),
        types=(LISTENER,),
    ),
    _issuer,
)

POLICIES = (VERSIONS, CIPHERS, CERTIFICATE, ISSUER)
