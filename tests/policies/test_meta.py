"""The pack as a whole: name grammar, metadata, order, the pinned manifest, and the generated docs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import gen_docs
import pytest
from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy
from sovereign_guard import ALL_POLICIES, PACK_NAME, REGISTRY, hygiene
from sovereign_guard.references import REFERENCES

from .conftest import PACK_DIR

AREAS = ("sovereignty", "encryption", "network", "access", "kubernetes", "data-protection", "hygiene")
VERBS = ("require", "disallow", "restrict", "enforce")
WORD = r"[a-z0-9]+(?:-[a-z0-9]+)*"
NAME_RE = re.compile(rf"^({'|'.join(AREAS)})-({WORD})-({'|'.join(VERBS)})-({WORD})$")

# The pinned manifest: changing a name, a level or a severity is a reviewed change of this table.
MANIFEST = {
    "hygiene-policy-config-require-validity": ("resource", "mandatory", "high"),
    "sovereignty-provider-restrict-packages": ("resource", "mandatory", "critical"),
    "sovereignty-provider-restrict-endpoint": ("resource", "mandatory", "critical"),
    "sovereignty-provider-disallow-default": ("resource", "mandatory", "high"),
    "sovereignty-offer-require-qualification": ("resource", "mandatory", "critical"),
    "sovereignty-qualification-require-renewal-margin": ("resource", "advisory", "medium"),
    "sovereignty-provider-disallow-insecure-tls": ("resource", "mandatory", "high"),
    "sovereignty-bucket-restrict-endpoint": ("resource", "mandatory", "critical"),
    "network-admin-port-disallow-public-ingress": ("resource", "mandatory", "critical"),
    "network-ingress-disallow-public-all-ports": ("resource", "mandatory", "critical"),
    "network-rule-require-justification": ("resource", "advisory", "low"),
    "network-port-disallow-disabled-security": ("resource", "mandatory", "high"),
    "network-ingress-restrict-exposed-zones": ("stack", "mandatory", "high"),
    "network-floating-ip-restrict-bastion": ("stack", "mandatory", "high"),
    "network-egress-restrict-sensitive-zones": ("stack", "mandatory", "high"),
    "encryption-volume-require-encrypted-type": ("resource", "mandatory", "high"),
    "encryption-secret-require-strong-algorithm": ("resource", "mandatory", "high"),
    "encryption-bucket-require-encryption": ("resource", "mandatory", "high"),
    "encryption-bucket-require-customer-held-key": ("resource", "mandatory", "critical"),
    "access-credential-disallow-plaintext": ("resource", "mandatory", "critical"),
    "access-instance-disallow-admin-password": ("resource", "mandatory", "high"),
    "access-secret-disallow-project-read": ("resource", "mandatory", "high"),
    "access-bucket-disallow-public-access": ("resource", "mandatory", "critical"),
    "access-container-disallow-public-access": ("resource", "mandatory", "critical"),
    "data-protection-provider-kms-restrict-data-class": ("resource", "mandatory", "critical"),
    "data-protection-bucket-require-versioning": ("resource", "mandatory", "high"),
    "data-protection-bucket-require-log-retention": ("resource", "mandatory", "high"),
    "data-protection-stateful-require-protect": ("resource", "mandatory", "high"),
    "encryption-listener-restrict-tls-versions": ("resource", "mandatory", "high"),
    "encryption-listener-restrict-ciphers": ("resource", "mandatory", "high"),
    "encryption-listener-require-certificate": ("resource", "mandatory", "high"),
    "sovereignty-certificate-restrict-issuer": ("resource", "mandatory", "high"),
    "encryption-listener-disallow-plain-http": ("stack", "mandatory", "high"),
    "encryption-pool-require-tls": ("resource", "mandatory", "high"),
    "data-protection-instance-require-log-shipping": ("resource", "advisory", "medium"),
    "sovereignty-backup-restrict-region": ("stack", "mandatory", "high"),
    "kubernetes-provider-restrict-endpoint": ("resource", "mandatory", "critical"),
    "kubernetes-provider-disallow-insecure-tls": ("resource", "mandatory", "high"),
    "kubernetes-namespace-require-restricted-psa": ("resource", "mandatory", "high"),
    "kubernetes-workload-disallow-privileged": ("resource", "mandatory", "critical"),
    "kubernetes-workload-disallow-host-namespaces": ("resource", "mandatory", "critical"),
    "kubernetes-workload-disallow-host-path": ("resource", "mandatory", "critical"),
    "kubernetes-workload-restrict-capabilities": ("resource", "mandatory", "high"),
    "kubernetes-workload-require-non-root": ("resource", "mandatory", "high"),
    "kubernetes-workload-require-seccomp": ("resource", "mandatory", "medium"),
    "kubernetes-image-restrict-registries": ("resource", "mandatory", "high"),
    "kubernetes-service-restrict-exposure": ("resource", "mandatory", "high"),
    "kubernetes-binding-disallow-anonymous-subjects": ("resource", "mandatory", "critical"),
    "kubernetes-magnum-disallow-insecure-settings": ("resource", "mandatory", "high"),
    "kubernetes-magnum-api-require-allowed-cidrs": ("resource", "mandatory", "critical"),
    "kubernetes-listener-require-allowed-cidrs": ("resource", "mandatory", "critical"),
    "hygiene-suppression-enforce-disclosure": ("resource", "advisory", "low"),
    "hygiene-stack-suppression-enforce-disclosure": ("stack", "advisory", "low"),
}


def kind(policy: object) -> str:
    return "stack" if isinstance(policy, StackValidationPolicy) else "resource"


def test_pinned_manifest() -> None:
    actual = {
        p.name: (kind(p), p.enforcement_level.value, p.severity.value)  # type: ignore[union-attr]
        for p in ALL_POLICIES
    }
    assert actual == MANIFEST
    assert PACK_NAME == "sovereign-guard"


@pytest.mark.parametrize("policy", ALL_POLICIES, ids=lambda p: p.name)
def test_name_grammar_and_metadata(policy: ResourceValidationPolicy | StackValidationPolicy) -> None:
    assert NAME_RE.match(policy.name), policy.name
    assert policy.description and policy.description.endswith(".")
    assert policy.enforcement_level is not None and policy.severity is not None
    assert policy.remediation_steps and len(policy.remediation_steps) > 20
    assert policy.url and policy.url.endswith(f"#{policy.name}")
    assert policy.framework is not None and policy.framework.name and policy.framework.reference
    # The area by the grammar's own regex (not the pack's derivation): exactly one area tag, the
    # whole area ("data-protection", never its first word "data").
    match = NAME_RE.match(policy.name)
    assert match is not None
    area_words = set(AREAS) | {a.split("-")[0] for a in AREAS}
    assert policy.tags and {t for t in policy.tags if t in area_words} == {match.group(1)}, policy.tags
    meta = REGISTRY[policy.name]
    assert meta.references and all(r in REFERENCES for r in meta.references)
    assert meta.types
    for key, schema in meta.config.items():
        assert ("type" in schema and "default" in schema) or key == "environment", (policy.name, key)


def test_framework_is_secnumcloud_when_the_policy_cites_it() -> None:
    for policy in ALL_POLICIES:
        refs = REGISTRY[policy.name].refs
        if any(r.framework == "SecNumCloud" for r in refs):
            assert policy.framework is not None
            assert (policy.framework.name, policy.framework.version) == ("SecNumCloud", "3.2")


def test_project_choices_are_labelled() -> None:
    labels = {REFERENCES[i].label() for i in ("choice-aes256", "choice-rsa3072")}
    assert all(label.endswith("(project choice)") for label in labels)


def test_pack_order_settings_first_disclosure_last() -> None:
    assert ALL_POLICIES[0] is hygiene.SETTINGS
    resource = [p for p in ALL_POLICIES if isinstance(p, ResourceValidationPolicy)]
    stack = [p for p in ALL_POLICIES if isinstance(p, StackValidationPolicy)]
    assert resource[-1] is hygiene.DISCLOSE and stack[-1] is hygiene.DISCLOSE_STACK


def test_docs_are_fresh() -> None:
    current = gen_docs.DOC.read_text(encoding="utf-8")
    assert gen_docs.updated(current) == current, "docs/policies.md is stale: run python policies/gen_docs.py"


def test_gen_docs_check_mode() -> None:
    done = subprocess.run(
        [sys.executable, str(PACK_DIR / "gen_docs.py"), "--check"], capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_importing_the_package_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sovereign_guard"],
        cwd=PACK_DIR,
        capture_output=True,
        check=False,
        text=True,
    )
    assert done.returncode == 0 and done.stdout == ""


# Every OpenStack type token the pack names exists in the pinned pulumi-openstack: a token the
# provider does not have (containerV1 once stood for Swift containers) makes a policy skip every
# real resource as "not a type this policy checks".
# Tokens the pinned SDK lacks, kept on purpose, with the reason.
LEGACY_TOKENS = {
    "openstack:compute/floatingIpAssociate:FloatingIpAssociate": (
        "not in pulumi-openstack 5.5.3; kept so that a program on an older SDK that still has it "
        "(inferred, not verified here) has its floating IPs traced too"
    ),
}
TOKEN_RE = re.compile(r'"(openstack:[a-zA-Z0-9]+/[a-zA-Z0-9]+:[A-Za-z0-9]+)"')


def test_every_openstack_type_token_exists_in_the_provider_sdk() -> None:
    import pulumi_openstack

    sdk = Path(pulumi_openstack.__file__).parent
    known = {
        m for f in sdk.rglob("*.py") for m in re.findall(r'type_token\("([^"]+)"\)', f.read_text("utf-8"))
    }
    assert "openstack:objectstorage/container:Container" in known
    named = {
        token: path.relative_to(PACK_DIR)
        for path in (PACK_DIR / "sovereign_guard").rglob("*.py")
        for token in TOKEN_RE.findall(path.read_text("utf-8"))
    }
    assert named
    unknown = {token: str(where) for token, where in named.items() if token not in known | set(LEGACY_TOKENS)}
    assert not unknown, unknown
    assert not set(LEGACY_TOKENS) & known, "a legacy token is in the SDK again: drop it from LEGACY_TOKENS"
