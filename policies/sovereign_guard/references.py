"""Framework references as structured data, kept apart from the check logic.

Each policy names reference ids from REFERENCES. The first SecNumCloud reference of a policy
becomes its PolicyComplianceFramework (pulumi-policy carries only one); the full list is in the
generated catalogue (docs/policies.md) and in `references_of(policy_name)`.

Sources: SecNumCloud 3.2 (ANSSI, 8 March 2022); HDS referential 2024; ANSSI guides PA-022
(secure administration), DAT-NT-007 (OpenSSH), TLS recommendations, cryptographic mechanisms
guide v2.04. Where the pack is stricter than a text, the reference is labelled a project choice.
Kubernetes: kubernetes_references.py (ANSSI-FT-082, the NSA/CISA Kubernetes Hardening Guidance).
"""

from __future__ import annotations

from .kubernetes_references import KUBERNETES_REFERENCES
from .reference_type import Reference


def _ref(
    id_: str, framework: str, version: str, clause: str, summary: str, choice: bool = False
) -> Reference:
    return Reference(id_, framework, version, clause, summary, choice)


SNC = "SecNumCloud"
SNC_V = "3.2"
HDS = "HDS"
HDS_V = "2024"

REFERENCES: dict[str, Reference] = {
    r.id: r
    for r in (
        _ref(
            "snc-3.3.2",
            SNC,
            SNC_V,
            "3.3.2",
            "No technical guarantee against the provider itself: "
            "a customer who wants one adds encryption under its own control",
        ),
        _ref("snc-9.6.d", SNC, SNC_V, "9.6.d", "No administration interface reachable from a public network"),
        _ref(
            "snc-9.6.e",
            SNC,
            SNC_V,
            "9.6.e",
            "Exposed administration interfaces are authenticated and encrypted",
        ),
        _ref("snc-9.6.h", SNC, SNC_V, "9.6.h", "Administration interfaces filtered and encrypted"),
        _ref("snc-9.7.c", SNC, SNC_V, "9.7.c", "Infrastructure partitioned from administration equipment"),
        _ref("snc-10.1.a", SNC, SNC_V, "10.1.a", "Data at rest encrypted, at least one key per customer"),
        _ref(
            "snc-10.2", SNC, SNC_V, "10.2", "Network flows encrypted per the ANSSI TLS, IPsec and SSH notes"
        ),
        _ref("snc-10.5.c", SNC, SNC_V, "10.5.c", "Keys kept in a security container"),
        _ref("snc-10.5.d", SNC, SNC_V, "10.5.d", "Administration secrets kept in a security container"),
        _ref("snc-10.6.a", SNC, SNC_V, "10.6.a", "Certificates issued by a CA of an EU member state"),
        _ref("snc-12.3.a", SNC, SNC_V, "12.3.a", "Production separated from development"),
        _ref(
            "snc-12.5",
            SNC,
            SNC_V,
            "12.5",
            "Backup of information (section): data the customer relies on stays recoverable",
        ),
        _ref("snc-12.5.d", SNC, SNC_V, "12.5.d", "Backups under the same localisation rules"),
        _ref("snc-12.6.c", SNC, SNC_V, "12.6.c", "Events kept at least six months"),
        _ref("snc-12.7.c", SNC, SNC_V, "12.7.c", "Logs shipped to separate central servers"),
        _ref(
            "snc-13.1",
            SNC,
            SNC_V,
            "13.1",
            "Up-to-date network map and authorised-flow matrix (ports, protocols, justification)",
        ),
        _ref(
            "snc-13.2.a",
            SNC,
            SNC_V,
            "13.2.a",
            "Flows partitioned by nature (production, administration, supervision)",
        ),
        _ref("snc-13.2.c", SNC, SNC_V, "13.2.c", "Administration flows in an encrypted tunnel"),
        _ref("snc-13.2.e", SNC, SNC_V, "13.2.e", "Administration interfaces filtered to the flow matrix"),
        _ref("snc-19.2.b", SNC, SNC_V, "19.2.b", "Customer data stored and processed in the EU"),
        _ref("snc-19.2.c", SNC, SNC_V, "19.2.c", "Administration performed from the EU"),
        _ref("snc-19.2.d", SNC, SNC_V, "19.2.d", "Technical data (identities, logs, state) in the EU"),
        _ref("snc-19.4", SNC, SNC_V, "19.4", "Erasure at contract end (possible by destroying keys)"),
        _ref("snc-19.6", SNC, SNC_V, "19.6", "Provider under EU control"),
        _ref("hds-exi-05", HDS, HDS_V, "EXI 05 item H", "Risk analysis covers extra-EU law"),
        _ref("hds-exi-15", HDS, HDS_V, "EXI 15", "Access traces"),
        _ref("hds-exi-16", HDS, HDS_V, "EXI 16", "Access traces kept and protected"),
        _ref("hds-exi-28", HDS, HDS_V, "EXI 28", "Health data stored in the EEA only"),
        _ref(
            "hds-exi-29",
            HDS,
            HDS_V,
            "EXI 29",
            "Remote access from outside the EEA only with adequacy or art. 46 safeguards",
        ),
        _ref("pa022-r15", "ANSSI PA-022", "", "R15", "Dedicated administration network"),
        _ref("pa022-r16", "ANSSI PA-022", "", "R16", "Filter administration flows"),
        _ref("pa022-r19", "ANSSI PA-022", "", "R19", "Filter flows to administration interfaces"),
        _ref("pa022-r20", "ANSSI PA-022", "", "R20", "No lateral flows through the administration network"),
        _ref("pa022-r24", "ANSSI PA-022", "", "R24", "Secure administration protocols"),
        _ref("pa022-r36", "ANSSI PA-022", "", "R36", "Two-factor authentication for administrators"),
        _ref("pa022-r68", "ANSSI PA-022", "", "R68", "Ephemeral jump host"),
        _ref("ssh-r7", "ANSSI DAT-NT-007", "", "R7", "No DSA keys"),
        _ref("ssh-r8", "ANSSI DAT-NT-007", "", "R8", "RSA keys of at least 2048 bits"),
        _ref("ssh-r9-r10", "ANSSI DAT-NT-007", "", "R9/R10", "ECDSA and Ed25519 keys preferred"),
        _ref("ssh-r17", "ANSSI DAT-NT-007", "", "R17", "Key authentication over passwords"),
        _ref("ssh-r25", "ANSSI DAT-NT-007", "", "R25", "sshd listens on the administration address only"),
        _ref("ssh-r27-r28", "ANSSI DAT-NT-007", "", "R27/R28", "No TCP or X11 forwarding"),
        _ref("tls-r3", "ANSSI TLS guide", "", "R3", "Prefer TLS 1.3, accept TLS 1.2"),
        _ref("tls-r4", "ANSSI TLS guide", "", "R4", "Nothing older than TLS 1.2"),
        _ref("tls-r6-r7", "ANSSI TLS guide", "", "R6/R7", "Forward secrecy: ECDHE key exchange"),
        _ref("tls-r10", "ANSSI TLS guide", "", "R10", "AEAD cipher suites only"),
        _ref(
            "crypto-sym",
            "ANSSI cryptographic mechanisms guide",
            "v2.04",
            "symmetric keys",
            "Symmetric keys of at least 128 bits",
        ),
        _ref(
            "crypto-rsa",
            "ANSSI cryptographic mechanisms guide",
            "v2.04",
            "RSA modulus",
            "RSA at least 2048 bits until 2030, 3072 after",
        ),
        _ref(
            "choice-aes256",
            "sovereign-landing-zone",
            "",
            "AES-256",
            "AES-256 required now: stricter than ANSSI's 128-bit minimum",
            True,
        ),
        _ref(
            "choice-rsa3072",
            "sovereign-landing-zone",
            "",
            "RSA-3072 / EC-256",
            "RSA from 3072 bits and EC from 256 bits now: stricter than ANSSI's 2048 until 2030",
            True,
        ),
        _ref(
            "choice-no-us-saas",
            "sovereign-landing-zone",
            "",
            "provider allow-list",
            "Only provider packages on the allow-list; hyperscaler and US SaaS packages never",
            True,
        ),
        _ref(
            "choice-suppressions",
            "sovereign-landing-zone",
            "",
            "reasoned suppressions",
            "Every exception has a reason, an approver and an expiry",
            True,
        ),
    )
}


def _add(extra: tuple[Reference, ...]) -> None:
    for ref in extra:
        if ref.id in REFERENCES:
            raise ValueError(f"duplicate reference id {ref.id}")
        REFERENCES[ref.id] = ref


_add(KUBERNETES_REFERENCES)


def check_ids(ids: tuple[str, ...]) -> tuple[Reference, ...]:
    """The references for these ids; an unknown id is a programming error caught at import."""
    missing = [i for i in ids if i not in REFERENCES]
    if missing:
        raise KeyError(f"unknown reference ids: {missing}")
    return tuple(REFERENCES[i] for i in ids)
