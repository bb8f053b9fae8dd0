"""CustomerHeldKeys: the stack's encryption keys, with their custody made explicit and reviewable.

Two custody modes (see docs/key-custody.md):
- customer-held: the material is generated with pulumi-random, so it exists only in the stack's
  state, encrypted by the organisation's secrets provider; or it is imported from the
  organisation's HSM through the secret config `importedKeys`. It is never sent to a storage
  service of the cloud provider. Other components receive it as a secret Output, to send per
  request (SSE-C) or to encrypt on the client side;
- provider-kms: a Barbican secret (BYOK) whose ACL lets named users read it, and nobody else in
  the project. Only for data classes below `sensitive` (key_specs enforces it).

Every generation of a key is its own resource, named `<component>-<key>-g<n>`, so a rotation adds
a resource and never replaces one; and every key resource is protected, because destroying a key
is crypto-shredding (SecNumCloud 3.2 19.4): it must be deliberate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_openstack as openstack
import pulumi_random as random

from review_tables import KEY_CUSTODY

from .errors import ConfigError
from .imported_keys import (
    IMPORTED_KEYS,
    KEY_BYTES,
    NAMESPACE,
    OFFLINE_PLACEHOLDER,
    check_imported_names,
    parse_imported_keys,
    validate_imported_material,
)
from .key_specs import KEY_BITS, KeySpec
from .stack_config import read_pulumi_config

# Barbican stores the mode as metadata of a symmetric secret; GCM is authenticated encryption.
BARBICAN_MODE = "gcm"

WHERE = {
    ("customer-held", "generated"): (
        "Pulumi state only, encrypted by the stack's secrets provider; never sent to the cloud provider"
    ),
    ("customer-held", "imported"): (
        "the organisation's HSM, passed through the secret stack config importedKeys; "
        "never sent to the cloud provider"
    ),
    ("provider-kms", "generated"): (
        "the provider's Barbican (BYOK), and Pulumi state encrypted by the stack's secrets provider"
    ),
    ("provider-kms", "imported"): (
        "the provider's Barbican (BYOK), imported from the organisation's HSM through the secret "
        "stack config importedKeys"
    ),
}
CUSTOMER_READERS = (
    "whoever can decrypt the stack's secrets (its secrets provider), and the components given it"
)


@dataclass(frozen=True)
class CustomerHeldKeysArgs:
    """The keys of one stack; every field comes from a validated StackConfig."""

    keys: tuple[KeySpec, ...] = ()
    """Validated key specs (key_specs.parse_key_specs); an empty tuple creates nothing."""
    imported_material: Mapping[str, str] = field(default_factory=dict)
    """Base64 material by importedKeys name (key_specs.parse_imported_keys); wrapped as secrets here."""
    protect: bool = True
    """Protect every key resource; destroying a key is crypto-shredding, so False is an explicit opt-in."""


def imported_material_from_config(keys: tuple[KeySpec, ...]) -> dict[str, str]:
    """The running stack's secret config `importedKeys`, validated (name -> base64).

    Read from the raw config, like StackConfig, because names and lengths must be checked before
    any resource exists; CustomerHeldKeys wraps every value as a secret before it goes anywhere.
    Offline (preflight), the marker stands in for every live imported generation.
    """
    raw = read_pulumi_config().get(IMPORTED_KEYS)
    if raw != OFFLINE_PLACEHOLDER:
        return parse_imported_keys(raw)
    if not pulumi.runtime.is_dry_run():
        raise ConfigError(
            f"{NAMESPACE}:{IMPORTED_KEYS}",
            None,
            "the decrypted material: only an offline preview runs without it",
            secret=True,
        )
    return {
        spec.imported_names(generation)[0]: OFFLINE_PLACEHOLDER
        for spec in keys
        if spec.source == "imported"
        for generation in spec.live_generations
    }


def key_custody_rows(keys: tuple[KeySpec, ...]) -> list[dict[str, object]]:
    """The key-custody table (review_tables.KEY_CUSTODY): one row per live generation, and never
    any material."""
    rows: list[dict[str, object]] = []
    for spec in keys:
        for generation in spec.live_generations:
            current = generation == spec.generation
            rows.append(
                KEY_CUSTODY.row(
                    key=spec.name,
                    generation=generation,
                    status="current" if current else "kept for decryption",
                    purpose=spec.purpose,
                    custody=spec.custody,
                    algorithm=spec.algorithm,
                    source=spec.source,
                    data_class=spec.data_class,
                    material_location=WHERE[(spec.custody, spec.source)],
                    readers=(
                        [CUSTOMER_READERS]
                        if spec.custody == "customer-held"
                        else [*spec.readers, "the Barbican secret's creator (the deploying identity)"]
                    ),
                    expires_at=spec.expires_at.isoformat() if current and spec.expires_at else None,
                    rotation_days=spec.rotation_days,
                )
            )
    return rows


def check_imported_material(keys: tuple[KeySpec, ...], material: Mapping[str, str]) -> None:
    """The material matches the specs: every live imported generation has some, none is left over."""
    for name, value in material.items():
        if value != OFFLINE_PLACEHOLDER:
            validate_imported_material(name, value)
    check_imported_names(keys, set(material))


def _imported(spec: KeySpec, generation: int, material: Mapping[str, str]) -> str:
    for name in spec.imported_names(generation):
        if name in material:
            return material[name]
    # check_imported_material ran first; this only guards against misuse of the helper.
    raise ConfigError(f"{NAMESPACE}:{IMPORTED_KEYS}", None, f"material for {spec.name} g{generation}")


class CustomerHeldKeys(pulumi.ComponentResource):
    """Named keys per data class, each generation its own protected resource."""

    material: dict[str, pulumi.Output[str]]
    """Customer-held keys: base64 material of the current generation, always a secret."""
    material_by_generation: dict[str, dict[int, pulumi.Output[str]]]
    """Customer-held keys: every live generation's base64 material (secret), for decryption."""
    barbican_secret_refs: dict[str, pulumi.Output[str]] | None
    """Provider-kms keys: the Barbican secret ref of the current generation; None without any."""
    key_custody: list[dict[str, object]]
    """Key, generation, purpose, custody, algorithm, where the material lives, who can read it."""

    def __init__(
        self, name: str, args: CustomerHeldKeysArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        # Checked before anything is registered: a bad key plans nothing.
        check_imported_material(args.keys, args.imported_material)
        super().__init__("sovereign:kms:CustomerHeldKeys", name, None, opts)
        key_opts = pulumi.ResourceOptions(parent=self, protect=args.protect)

        self.material = {}
        self.material_by_generation = {}
        refs: dict[str, pulumi.Output[str]] = {}
        for spec in args.keys:
            generations: dict[int, pulumi.Output[str]] = {}
            for generation in spec.live_generations:
                resource_name = f"{name}-{spec.name}-g{generation}"
                if spec.custody == "customer-held":
                    generations[generation] = self._material(resource_name, spec, generation, args, key_opts)
                else:
                    secret = self._provider_kms(resource_name, spec, generation, args, key_opts)
                    if generation == spec.generation:
                        refs[spec.name] = secret.secret_ref
            if spec.custody == "customer-held":
                self.material_by_generation[spec.name] = generations
                self.material[spec.name] = generations[spec.generation]
        self.barbican_secret_refs = refs or None
        self.key_custody = key_custody_rows(args.keys)
        # The material stays out of the component's registered outputs: they are written to state,
        # and imported material must not be copied there. It is reachable through the attributes.
        self.register_outputs(
            {
                "barbican_secret_refs": self.barbican_secret_refs,
                KEY_CUSTODY.output: self.key_custody,
            }
        )

    @staticmethod
    def _material(
        resource_name: str,
        spec: KeySpec,
        generation: int,
        args: CustomerHeldKeysArgs,
        opts: pulumi.ResourceOptions,
    ) -> pulumi.Output[str]:
        if spec.source == "imported":
            return pulumi.Output.secret(_imported(spec, generation, args.imported_material))
        generated = random.RandomBytes(
            resource_name,
            length=KEY_BYTES,
            # The random provider marks base64 and hex secret itself; say it here too so that it
            # holds whatever provider version runs.
            opts=pulumi.ResourceOptions.merge(
                opts, pulumi.ResourceOptions(additional_secret_outputs=["base64", "hex"])
            ),
        )
        # The engine applies additional_secret_outputs; wrapping makes the Output secret in-process.
        return pulumi.Output.secret(generated.base64)

    @classmethod
    def _provider_kms(
        cls,
        resource_name: str,
        spec: KeySpec,
        generation: int,
        args: CustomerHeldKeysArgs,
        opts: pulumi.ResourceOptions,
    ) -> openstack.keymanager.SecretV1:
        payload = cls._material(f"{resource_name}-material", spec, generation, args, opts)
        expiration = (
            f"{spec.expires_at.isoformat()}T00:00:00Z"
            if spec.expires_at and generation == spec.generation
            else None
        )
        return openstack.keymanager.SecretV1(
            resource_name,
            name=resource_name,
            algorithm="aes",
            bit_length=KEY_BITS,
            mode=BARBICAN_MODE,
            secret_type="symmetric",
            payload=payload,
            payload_content_type="application/octet-stream",
            payload_content_encoding="base64",
            expiration=expiration,
            metadata={
                "data-class": spec.data_class,
                "purpose": spec.purpose,
                "key": spec.name,
                "generation": str(generation),
            },
            acl=openstack.keymanager.SecretV1AclArgs(
                read=openstack.keymanager.SecretV1AclReadArgs(project_access=False, users=list(spec.readers))
            ),
            # A new expiry set at rotation must not replace (destroy) the generations already kept.
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(ignore_changes=["expiration"])),
        )
