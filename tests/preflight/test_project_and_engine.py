"""Config as the CLI passes it, and what the engine adds between program and analyzer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from google.protobuf import json_format
from pulumi.runtime.proto import analyzer_pb2

from preflight.engine import (
    UNKNOWN_ID,
    analyze_requests,
    default_provider_name,
    serialized_stack_request,
    with_engine_additions,
)
from preflight.errors import UsageError
from preflight.project import load_project
from preflight.secure_config import SECRET_PLACEHOLDER, as_cli_string, load_stack_config

from .conftest import PROJECT


@pytest.mark.parametrize(
    ("version", "url", "name"),
    [
        ("5.5.3", "", "default_5_5_3"),
        ("", "", "default"),
        ("1.2.0-alpha.1", "", "default_1_2_0_alpha_1"),
        ("1.2.0+build.7", "", "default_1_2_0_build_7"),
        ("4.0.0", "https://x.example/p", "default_4_0_0_https___x.example_p"),
    ],
)
def test_default_provider_name(version: str, url: str, name: str) -> None:
    assert default_provider_name(version, url) == name


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("GRA11", "GRA11"),
        (True, "true"),
        (False, "false"),
        (22, "22"),
        (["203.0.113.0/24"], '["203.0.113.0/24"]'),
        ({"b": 1, "a": [True]}, '{"a":[true],"b":1}'),
        ("2026-01-31", "2026-01-31"),
    ],
)
def test_values_reach_the_program_as_the_cli_passes_them(value, text: str) -> None:
    assert as_cli_string(value) == text


def _project(tmp_path: Path, stack_yaml: str, pulumi_yaml: str = "") -> Path:
    (tmp_path / "Pulumi.yaml").write_text(
        "name: p\nruntime:\n  name: python\nconfig:\n"
        "  flag:\n    type: boolean\n    default: true\n"
        "  p:limit: 3\n"
        "  openstack:region:\n    default: GRA9\n" + pulumi_yaml
    )
    (tmp_path / "__main__.py").write_text("")
    (tmp_path / "Pulumi.s.yaml").write_text(stack_yaml)
    return tmp_path


def test_stack_config_over_project_defaults(tmp_path: Path) -> None:
    d = _project(
        tmp_path,
        "config:\n  p:limit: 5\n  expires: 2026-01-31\n  nested:\n    a: {secure: v1:abc}\n"
        "  p:password:\n    secure: v1:xyz\n",
    )
    cfg = load_stack_config(load_project(d), "s")
    assert cfg.values["p:flag"] == "true"
    assert cfg.values["p:limit"] == "5"
    assert cfg.values["openstack:region"] == "GRA9"
    assert cfg.values["p:expires"] == "2026-01-31"
    assert cfg.values["p:password"] == SECRET_PLACEHOLDER
    assert json.loads(cfg.values["p:nested"]) == {"a": SECRET_PLACEHOLDER}
    assert cfg.secret_keys == ["p:nested", "p:password"]
    assert cfg.package("openstack") == {"region": "GRA9"}


def test_declared_type_is_enforced(tmp_path: Path) -> None:
    d = _project(tmp_path, "config:\n  p:flag: maybe\n")
    with pytest.raises(UsageError, match="config key 'p:flag' must be of type 'boolean'"):
        load_stack_config(load_project(d), "s")


@pytest.mark.parametrize(
    ("pulumi_yaml", "message"),
    [
        ("name: p\nruntime: nodejs\n", "preflight runs Python programs only"),
        ("runtime: python\n", "has no 'name'"),
        ("name: p\nruntime: python\nconfig: [1]\n", "'config' must be a mapping"),
    ],
)
def test_bad_project_files(tmp_path: Path, pulumi_yaml: str, message: str) -> None:
    (tmp_path / "Pulumi.yaml").write_text(pulumi_yaml)
    (tmp_path / "__main__.py").write_text("")
    with pytest.raises(UsageError, match=message):
        load_project(tmp_path)


def test_default_stack_is_dev_else_first(tmp_path: Path) -> None:
    d = _project(tmp_path, "config: {}\n")
    assert load_project(d).default_stack() == "s"
    (d / "Pulumi.dev.yaml").write_text("config: {}\n")
    assert load_project(d).default_stack() == "dev"


def test_requests_carry_provider_and_options() -> None:
    from preflight.program import run_stack

    project = load_project(PROJECT)
    cfg = load_stack_config(project, "clean")
    regs = with_engine_additions(run_stack(project, cfg), cfg, project.name)
    provider = next(r for r in regs if r.type == "pulumi:providers:openstack")
    assert json_format.MessageToDict(provider.inputs) == {"region": "GRA11", "version": "5.5.3"}
    assert provider.parent is None
    rule = next(r for r in regs if r.name == "admin-ssh")
    assert rule.provider == f"{provider.urn}::{UNKNOWN_ID}"
    # The default provider is registered before its first user, as the engine does.
    assert regs.index(provider) < next(i for i, r in enumerate(regs) if r.custom and not r.is_provider)
    request = next(r for r in analyze_requests(regs) if r.name == "admin-ssh")
    assert request.provider.urn == provider.urn and request.provider.name == "default_5_5_3"
    props = json_format.MessageToDict(request.properties)
    assert props["securityGroupId"] == UNKNOWN_ID, "ids are unknown during a preview"
    assert props["portRangeMin"] == 22
    assert request.options.parent.endswith("pulumi:pulumi:Stack::fixture-project-clean")
    # Serialized one resource at a time, the bytes parse as the whole request, in order.
    stack = analyzer_pb2.AnalyzeStackRequest.FromString(serialized_stack_request(regs))
    assert [r.urn for r in stack.resources] == [r.urn for r in regs]
    rule_state = next(r for r in stack.resources if r.name == "admin-ssh")
    assert list(rule_state.dependencies) == [next(r.urn for r in regs if r.name == "admin-sg")]
    assert rule_state.parent == request.options.parent
