"""Access: no instance passwords, no project-wide key reads, no plaintext credentials, no public buckets.

The Python policy SDK unwraps secrets before a policy runs (pulumi_policy deserializes Analyze
properties without its secrets-preserving proxy), so a policy cannot tell a secret input from a
plaintext one. What it can see, and what this module checks:
- credential-named provider inputs must be declared in additionalSecretOutputs (or be secret by
  the provider's schema, like openstack's password). That declaration is NOT proof of encryption:
  the engine marks only the resource's OUTPUTS secret, and an input sent in plaintext may stay in
  clear in the state's inputs. The check takes the declaration as the program's visible statement,
  and the message and remediation require the value itself to be sent as a secret
  (`pulumi.Output.secret(...)`, or secret config read with `require_secret`), which the pack
  cannot verify;
- values shaped like credentials (PEM private keys, cloud access keys, passwords in cloud-config,
  URLs with a password) never appear in provider inputs, user data or metadata, secret or not:
  user data and Nova metadata are readable from inside the instance.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pulumi_policy import EnforcementLevel, Severity
from pulumi_policy.proxy import UnknownValueError

from .encryption import SECRET, is_key_material
from .framework import Context, Meta, resource_policy
from .provider_identity import BUCKET_TYPE, is_default_provider
from .values import get, get_bool, get_map, is_provider_type, is_set, package_of, walk_strings

INSTANCE = "openstack:compute/instance:Instance"
CONTAINER = "openstack:keymanager/containerV1:ContainerV1"

# Inputs the provider's schema marks secret: the SDK wraps them, so they reach state encrypted.
SCHEMA_SECRET_INPUTS: dict[str, frozenset[str]] = {
    "openstack": frozenset({"password"}),
}
CREDENTIAL_KEY_RE = re.compile(
    r"(?i)(pass(word|wd|phrase)?$|secret(key|accesskey)?$|token$|privatekey$|private_key$|apikey$|api_key$"
    r"|clientsecret$|credentialsecret$|accesskey$)"
)
NOT_CREDENTIAL_KEY_RE = re.compile(r"(?i)(id|file|path|name|type|url|arn|ref|enabled|required)$")
VALUE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a PEM private key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")),
    ("a PuTTY private key", re.compile(r"PuTTY-User-Key-File-\d")),
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a URL with a password", re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]{3,}@")),
    (
        "a password, secret or token in cloud-config",
        re.compile(
            r"(?im)^\s*-?\s*(password|passwd|plain_text_passwd|root_password|secret|token|api_key|client_secret)"
            r"\s*:\s*(?!\s*(false|true|null|~|''|\"\")\s*$)\S+"
        ),
    ),
    ("chpasswd with a password list", re.compile(r"(?im)^\s*chpasswd\s*:[\s\S]*?(list|users)\s*:")),
    ("a password piped to chpasswd", re.compile(r"(?i)\|\s*chpasswd\b")),
    (
        "a credential in an environment variable",
        re.compile(
            r"(?m)^\s*(?:export\s+)?[A-Z0-9_]*(PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY)[A-Z0-9_]*"
            r"\s*=\s*['\"]?[^\s'\"$]{4,}"
        ),
    ),
)


def credential_shapes(text: str) -> list[str]:
    return [label for label, pattern in VALUE_PATTERNS if pattern.search(text)]


def is_credential_key(key: str) -> bool:
    compact = key.replace("-", "").replace("_", "")
    return bool(CREDENTIAL_KEY_RE.search(compact)) and not NOT_CREDENTIAL_KEY_RE.search(compact)


def _filled(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return False
    return not (isinstance(value, str) and value.strip() in ("", "null"))


def _unknown(props: Any, key: str) -> bool:
    try:
        props[key]
    except UnknownValueError:
        return True
    return False


def _scan(where: str, value: Any) -> Iterator[str]:
    for path, text in walk_strings(value, where):
        for label in credential_shapes(text):
            yield f"{path!r} contains {label}"


def _metadata(props: Any) -> Iterator[str]:
    """Credential-named keys and credential-shaped values in a resource's metadata."""
    metadata = get_map(props, "metadata")
    for key in metadata:
        if is_credential_key(str(key)) and _filled(metadata[key]):
            yield (
                f"{'metadata.' + str(key)!r} looks like a credential; metadata is plaintext and readable "
                "from the "
                "instance"
            )
    yield from _scan("metadata", metadata)


def _declared_secret(args: Any) -> set[str]:
    """The inputs the program declared in additionalSecretOutputs: a declaration the pack can see,
    not proof that the input was sent as a secret (which the SDK hides from policies)."""
    return set(getattr(args.opts, "additional_secret_outputs", None) or ())


def _plaintext(ctx: Context) -> Iterator[str]:
    rtype = ctx.args.resource_type
    props = ctx.args.props
    if is_provider_type(rtype):
        declared = _declared_secret(ctx.args)
        schema_secret = SCHEMA_SECRET_INPUTS.get(package_of(rtype), frozenset())
        if not is_default_provider(ctx.args):
            for key in props:
                if not is_credential_key(key) or key in schema_secret or key in declared:
                    continue
                if is_set(props, key) and (_unknown(props, key) or _filled(props[key])):
                    yield (
                        f"provider input {key!r} holds a credential not declared in additionalSecretOutputs; "
                        "take it from the environment, or send it as a secret (pulumi.Output.secret(...), or "
                        "secret config read with require_secret) and declare it: "
                        f"additional_secret_outputs=[{key!r}]. The declaration alone does not encrypt it: "
                        "the engine marks only outputs secret, and a plaintext input stays in clear in the "
                        "state"
                    )
        yield from _scan("provider input", props)
        return
    if rtype == INSTANCE:
        user_data = get(props, "userData")
        if user_data is not None:
            yield from _scan("userData", user_data)
        yield from _metadata(props)
        personality = get(props, "personalities")
        if personality is not None:
            yield from _scan("personalities", personality)
        return
    if rtype == BUCKET_TYPE:
        declared = _declared_secret(ctx.args)
        if is_set(props, "secretAccessKey") and "secretAccessKey" not in declared:
            yield (
                "secretAccessKey is not declared in additionalSecretOutputs; send it as a secret "
                "(pulumi.Output.secret(...), or the EC2 credential's secret output) and declare it. The "
                "declaration alone does not encrypt it: the engine marks only outputs secret, and a "
                "plaintext input stays in clear in the state"
            )
        return
    if rtype.startswith("openstack:"):
        yield from _metadata(props)


PLAINTEXT = resource_policy(
    Meta(
        name="access-credential-disallow-plaintext",
        description=(
            "No password, token or key material in plaintext inputs: provider inputs, instance user data "
            "and metadata, resource metadata."
        ),
        severity=Severity.CRITICAL,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Take provider credentials from the environment (OS_APPLICATION_CREDENTIAL_*), or send them as "
            "secrets (pulumi.Output.secret(...), or secret config read with require_secret) so that the "
            "engine encrypts them in the state, and list them in additional_secret_outputs: the pack reads "
            "that list as the program's declaration, but it marks only outputs secret and never encrypts a "
            "plaintext input. Deliver instance secrets at boot from Barbican or a vault, never through user "
            "data or metadata."
        ),
        references=("snc-10.5.d", "snc-10.5.c", "snc-19.2.d", "ssh-r17"),
        types=("pulumi:providers:*", INSTANCE, BUCKET_TYPE, "openstack:*"),
    ),
    _plaintext,
)


def _admin_pass(ctx: Context) -> Iterator[str]:
    value = get(ctx.args.props, "adminPass")
    if value is None or (isinstance(value, str) and not value):
        ctx.not_applicable("no adminPass")
    yield (
        "adminPass is set: the password is stored in the state and given to the image's agent; "
        "use SSH keys (keyPair) and no password at all"
    )


ADMIN_PASS = resource_policy(
    Meta(
        name="access-instance-disallow-admin-password",
        description="Instances never set an administrator password (adminPass); keys only.",
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation="Remove adminPass; give a keyPair (Ed25519 or ECDSA, or RSA of 3072 bits and more).",
        references=("snc-10.5.d", "ssh-r17", "pa022-r24"),
        types=(INSTANCE,),
    ),
    _admin_pass,
)


def _project_read(ctx: Context) -> Iterator[str]:
    props = ctx.args.props
    if ctx.args.resource_type == SECRET:
        key, why = is_key_material(props)
        if not key and not ctx.config.get("includeNonKeySecrets", True):
            ctx.not_applicable(why)
    acl = get_map(props, "acl")
    if not acl:
        yield (
            "no acl: every user of the project can read it; set acl.read.projectAccess false and "
            "name the readers"
        )
        return
    read = get_map(acl, "read")
    if not read:
        yield "acl has no read entry: every user of the project can read it"
        return
    project_access = get_bool(read, "projectAccess")
    if project_access is not False:
        yield (
            f"acl.read.projectAccess is {get(read, 'projectAccess')!r} (Barbican's default is "
            "true): every user "
            "of the project can read it; set it to false and name the readers in acl.read.users"
        )


PROJECT_READ = resource_policy(
    Meta(
        name="access-secret-disallow-project-read",
        description=(
            "Barbican secrets and containers have an ACL without project-wide read (named readers only)."
        ),
        severity=Severity.HIGH,
        level=EnforcementLevel.MANDATORY,
        remediation="Set acl = {read: {projectAccess: false, users: [<named readers>]}}.",
        references=("snc-10.5.c", "snc-10.5.d", "hds-exi-15"),
        config={
            "includeNonKeySecrets": {
                "type": "boolean",
                "default": True,
                "description": "Also check passphrases, certificates and opaque secrets",
            }
        },
        types=(SECRET, CONTAINER),
    ),
    _project_read,
)


def _public_bucket(ctx: Context) -> Iterator[str]:
    block = get_bool(ctx.args.props, "blockPublicAccess")
    if block is not True:
        yield (
            f"blockPublicAccess is {get(ctx.args.props, 'blockPublicAccess')!r}: the bucket "
            "could be made public "
            "by an ACL or a policy; set it to true"
        )


PUBLIC_BUCKET = resource_policy(
    Meta(
        name="access-bucket-disallow-public-access",
        description="Buckets block every form of public access.",
        severity=Severity.CRITICAL,
        level=EnforcementLevel.MANDATORY,
        remediation=(
            "Set blockPublicAccess to true (EncryptedBucket's default); publish content through the dmz."
        ),
        references=("snc-10.1.a", "hds-exi-28", "hds-exi-15"),
        types=(BUCKET_TYPE,),
    ),
    _public_bucket,
)

POLICIES = (PLAINTEXT, ADMIN_PASS, PROJECT_READ, PUBLIC_BUCKET)
