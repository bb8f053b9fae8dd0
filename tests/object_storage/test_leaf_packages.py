"""s3hardening is a leaf (no program import), statebackend loads no pulumi, errors translate.

These pin the package layering of docs/architecture.md: components -> s3hardening, statebackend ->
s3hardening and the catalogue view; never s3hardening -> components.
"""

from __future__ import annotations

import ast
import io
import subprocess
import sys
from pathlib import Path

import pytest

import s3hardening
from components.errors import REDACTED, ConfigError
from components.object_storage import props_failures
from components.object_storage_endpoints import catalogue_s3_endpoints
from statebackend.cli import main
from tests.object_storage.conftest import FAKE_SECRET, REPO
from tests.object_storage.helpers import props


def _imported_top_packages(package: Path) -> set[str]:
    found: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def test_s3hardening_imports_nothing_of_the_program() -> None:
    imported = _imported_top_packages(REPO / "s3hardening")
    assert not imported & {"components", "statebackend", "preflight", "policies", "pulumi", "grpc"}


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60, check=True
    )
    return set(run.stdout.split())


@pytest.mark.parametrize("statement", ["import statebackend", "import statebackend.cli"])
def test_statebackend_loads_neither_pulumi_nor_grpc(statement: str) -> None:
    loaded = _loaded_after(statement)
    assert "pulumi" not in loaded and "grpc" not in loaded
    assert "components.errors" not in loaded


def test_s3hardening_loads_no_component() -> None:
    loaded = _loaded_after("import s3hardening")
    assert not {m for m in loaded if m.split(".")[0] in ("components", "pulumi", "grpc")}


def test_known_endpoints_are_the_callers_not_a_catalogue_read() -> None:
    url = "https://s3.gra11.io.cloud.ovh.net"
    with pytest.raises(s3hardening.EndpointNotApprovedError):
        s3hardening.validate_endpoint(url, known=())
    ep = s3hardening.validate_endpoint(url, known=catalogue_s3_endpoints())
    assert ep.source == "catalogue:ovh-public-cloud" and ep.region == "GRA11" and ep.country == "FR"


def test_setting_error_names_key_value_and_allowed_without_being_a_config_error() -> None:
    with pytest.raises(s3hardening.S3SettingError) as err:
        s3hardening.validate_bucket_name("Bad_Name", key="buckets[0].name")
    assert not isinstance(err.value, ConfigError)
    rule = s3hardening.validation.BUCKET_NAME_RULE
    assert str(err.value) == f"config key 'buckets[0].name': value 'Bad_Name' is not allowed: {rule}"


def test_components_translate_setting_errors_into_config_errors() -> None:
    failures = props_failures(props(bucketName="Bad_Name", endpointUrl="https://s3.example.org"))
    translated = [f for f in failures if f.key in ("bucketName", "endpointUrl")]
    assert len(translated) == 2 and all(type(f) is ConfigError for f in translated)
    assert "'Bad_Name'" in str(translated[0]) and "sovereign catalogue" in str(translated[1])


def test_translation_keeps_a_secret_hidden() -> None:
    setting = s3hardening.S3SettingError("endpointUrl", "https://k:s3cr3t@h", "no user:password", secret=True)
    config = ConfigError.from_setting(setting)
    assert config.value == REDACTED == s3hardening.REDACTED and "s3cr3t" not in str(config)


def test_a_crash_exits_three_in_one_line_without_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_: object) -> None:
        raise ZeroDivisionError(f"boom with {FAKE_SECRET}")

    monkeypatch.setattr(s3hardening, "audit", explode)
    monkeypatch.setattr(s3hardening, "report", explode)  # the CLI audits through report()
    out, err = io.StringIO(), io.StringIO()
    code = main(["audit", "--endpoint-url", "http://127.0.0.1:9", "--bucket", "abc"], stdout=out, stderr=err)
    errors = [line for line in err.getvalue().splitlines() if "error" in line]
    assert code == 3 and out.getvalue() == ""
    assert errors == ["statebackend: error: internal error: unexpected ZeroDivisionError; no secret is shown"]
    assert FAKE_SECRET not in err.getvalue() and "Traceback" not in err.getvalue()
