"""CustomerHeldKeys under mocks: where key material goes (only ever as a secret, never in the
custody table or a report), read from the secret config or planted to prove it."""

from __future__ import annotations

import base64
import json
from typing import Any

import pulumi
import pytest
from pulumi.runtime import mocks as pulumi_mocks

from components.errors import ConfigError
from components.key_specs import KeySpec
from components.kms import (
    CustomerHeldKeysArgs,
    imported_material_from_config,
    key_custody_rows,
)
from tests.components.kms_harness import (
    CUSTOMER,
    PROVIDER,
    RANDOM_BYTES,
    assert_material_only_as_secret,
    generated_material,
    imported,
    keys_program,
    names_of,
    run,
    secret_values,
    specs,
    spellings,
    strip_secrets,
)

# --- every custody mode at once: the material is a secret everywhere ---------------------------


def test_all_modes_material_appears_only_as_secret() -> None:
    material = {"hsm-objects": imported("a"), "byok-cache-g1": imported("b"), "byok-cache": imported("c")}
    raw = [
        CUSTOMER,
        {**CUSTOMER, "name": "hsm-objects", "purpose": "backup", "source": "imported"},
        {**PROVIDER, "generation": 2},
        {**PROVIDER, "name": "byok-cache", "source": "imported", "generation": 2},
    ]
    args = CustomerHeldKeysArgs(keys=specs(raw, "internal", set(material)), imported_material=material)
    monitor = run(keys_program(args, sink={}))
    all_material = [base64.b64decode(v) for v in material.values()]
    all_material += [generated_material(r["name"]) for r in monitor.of_type(RANDOM_BYTES)]
    assert len(all_material) == 3 + 1 + 2
    assert_material_only_as_secret(monitor, all_material)
    # ...and every one of them is sent somewhere (Barbican payload or a consumer), always wrapped.
    wrapped = {v for r in monitor.registrations for v in secret_values(r["object"])}
    assert wrapped == {base64.b64encode(m).decode() for m in all_material}


def test_custody_table_never_holds_material() -> None:
    raw = [CUSTOMER, {**PROVIDER, "generation": 2}]
    rows = key_custody_rows(specs(raw, "internal"))
    assert [(r["key"], r["generation"], r["custody"]) for r in rows] == [
        ("health-objects", 1, "customer-held"),
        ("app-cache", 1, "provider-kms"),
        ("app-cache", 2, "provider-kms"),
    ]
    text = json.dumps(rows)
    for name in ("kms-health-objects-g1", "kms-app-cache-g1-material", "kms-app-cache-g2-material"):
        for spelling in spellings(generated_material(name)):
            assert spelling not in text
    readers, where = rows[2]["readers"], rows[2]["material_location"]
    assert isinstance(readers, list) and isinstance(where, str)
    assert PROVIDER["readers"][0] in readers and "Barbican" in where


def test_hand_built_spec_is_accepted() -> None:
    spec = KeySpec(name="app-data", purpose="application", custody="customer-held", data_class="sensitive")
    monitor = run(keys_program(CustomerHeldKeysArgs(keys=(spec,))))
    assert names_of(monitor, RANDOM_BYTES) == ["kms-app-data-g1"]


def test_imported_material_is_read_from_the_secret_config() -> None:
    text = json.dumps({"hsm-key": imported("cfg")})
    seen: dict[str, Any] = {}

    def program() -> None:
        pulumi.runtime.set_all_config(
            {"sovereign-landing-zone:importedKeys": text}, ["sovereign-landing-zone:importedKeys"]
        )
        seen.update(imported_material_from_config(()))

    run(program)
    assert seen == {"hsm-key": imported("cfg")}


def test_bad_imported_config_is_refused_without_echoing_it() -> None:
    short = base64.b64encode(b"\x02" * 24).decode()

    def program() -> None:
        pulumi.runtime.set_all_config({"sovereign-landing-zone:importedKeys": json.dumps({"hsm-key": short})})
        imported_material_from_config(())

    with pytest.raises(ConfigError) as info:
        run(program)
    assert short not in str(info.value) and "24 bytes" in str(info.value)


def test_offline_marker_is_preflights_placeholder() -> None:
    from components.imported_keys import OFFLINE_PLACEHOLDER
    from preflight.secure_config import SECRET_PLACEHOLDER

    assert OFFLINE_PLACEHOLDER == SECRET_PLACEHOLDER


def _imported_hsm_key() -> KeySpec:
    return KeySpec(
        name="hsm-key",
        purpose="object-storage",
        custody="customer-held",
        data_class="health",
        source="imported",
    )


@pytest.mark.parametrize("preview", [True, False])
def test_undecrypted_material_is_accepted_only_by_a_preview(preview: bool) -> None:
    from components.imported_keys import OFFLINE_PLACEHOLDER

    seen: dict[str, Any] = {}

    def program() -> None:
        pulumi.runtime.set_all_config(
            {"sovereign-landing-zone:importedKeys": OFFLINE_PLACEHOLDER},
            ["sovereign-landing-zone:importedKeys"],
        )
        seen.update(imported_material_from_config((_imported_hsm_key(),)))

    if preview:
        run(program, preview=True)
        assert seen == {"hsm-key-g1": OFFLINE_PLACEHOLDER}
    else:
        with pytest.raises(ConfigError, match="only an offline preview"):
            run(program, preview=False)


# --- planted material: the custody table and every report stay free of it ---------------------

NS = "sovereign-landing-zone"


def _plant_material(
    monkeypatch: pytest.MonkeyPatch, material: dict[str, str]
) -> tuple[list[Any], dict[str, bytes]]:
    """Run preflight's own path with real-looking key material planted; return what the program
    registered, and the material 'generated' per RandomBytes name.

    The prod stack's `backups` key becomes imported (generation 2: two HSM exports in the secret
    config importedKeys); the mocked random provider 'generates' 32 distinct bytes per RandomBytes
    and returns them as known outputs, as if the preview knew them (the worst case for a leak).
    """
    import preflight.program
    import preflight.run
    from preflight.program import PreviewMocks
    from preflight.secure_config import RawStackConfig, as_cli_string

    real_load = preflight.run.load_stack_config
    real_run_stack = preflight.program.run_stack
    real_new_resource = PreviewMocks.new_resource
    captured: list[Any] = []
    generated: dict[str, bytes] = {}

    def load(project: Any, stack: str) -> RawStackConfig:
        config = real_load(project, stack)
        keys = json.loads(config.values[f"{NS}:keys"])
        for key in keys:
            if key["name"] == "backups":
                key.update(source="imported", generation=2)
        values = {
            **config.values,
            f"{NS}:keys": as_cli_string(keys),
            f"{NS}:importedKeys": json.dumps(material),
        }
        return RawStackConfig(
            config.stack, config.file, values, sorted({*config.secret_keys, f"{NS}:importedKeys"})
        )

    def new_resource(self: Any, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        id_, outputs = real_new_resource(self, args)
        if args.typ == RANDOM_BYTES:
            raw = generated[args.name] = generated_material(args.name)
            outputs = {**outputs, "base64": base64.b64encode(raw).decode(), "hex": raw.hex()}
        return id_, outputs

    def run_stack(*args: Any, **kwargs: Any) -> Any:
        registrations = real_run_stack(*args, **kwargs)
        captured.extend(registrations)
        return registrations

    monkeypatch.setattr(preflight.run, "load_stack_config", load)
    monkeypatch.setattr(preflight.program, "run_stack", run_stack)
    monkeypatch.setattr(PreviewMocks, "new_resource", new_resource)
    return captured, generated


def test_planted_material_reaches_no_custody_table_output_or_report(monkeypatch: pytest.MonkeyPatch) -> None:
    from google.protobuf import json_format

    from preflight.formats import RENDERERS
    from preflight.run import Options
    from preflight.run import run as preflight_run
    from tests.support import REPO

    material = {"backups-g1": imported("plant-g1"), "backups": imported("plant-g2")}
    captured, handed_out = _plant_material(monkeypatch, material)
    report = preflight_run(Options(project_dir=REPO, stacks=("prod",)))
    (result,) = report.stacks
    assert result.error is None, result.error

    # The plant took: the program received generated material for each of its RandomBytes (the
    # keys of health-objects and audit-logs; backups is imported), and read and checked the imported
    # material (a wrong length is refused; the custody table shows both imported generations).
    assert sorted(handed_out) == sorted(r.name for r in captured if r.type == RANDOM_BYTES)
    assert len(handed_out) == 2
    planted = [base64.b64decode(v) for v in material.values()] + list(handed_out.values())

    # The custody table names the keys and where their material lives, never the material.
    table = result.key_custody or []
    assert {(row["key"], row["generation"], row["source"]) for row in table} >= {
        ("backups", 1, "imported"),
        ("backups", 2, "imported"),
    }
    texts = {"custody table": json.dumps(table)}
    # Every component's registered outputs, and every input outside a secret envelope.
    for reg in captured:
        if not reg.custom:
            texts[f"outputs of {reg.name}"] = json.dumps(strip_secrets(reg.outputs), default=str)
        texts[f"inputs of {reg.name}"] = json.dumps(strip_secrets(json_format.MessageToDict(reg.inputs)))
    for fmt, render in RENDERERS.items():
        texts[f"{fmt} report"] = render(report)
    assert "backups" in texts["text report"]  # the report does show the custody table
    # Only where it leaked is shown: a failure must not print the material either.
    leaks = sorted(
        {where for where, text in texts.items() for m in planted for v in spellings(m) if v in text}
    )
    assert not leaks, f"key material in: {', '.join(leaks)}"
