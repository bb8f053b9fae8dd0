"""Hostile stack files and policy configs are refused at the line that breaks a limit (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from preflight.bounded_input import MAX_BYTES, MAX_DEPTH, MAX_NODES, load_json, load_yaml
from preflight.errors import UsageError
from preflight.process import MAX_ENV_STRING, config_for_environment
from tests.support import REPO


def _refused(tmp_path: Path, content: bytes, loader=load_yaml) -> str:
    path = tmp_path / "Pulumi.x.yaml"
    path.write_bytes(content)
    with pytest.raises(UsageError) as caught:
        loader(path, "stack file")
    message = str(caught.value)
    assert str(path) in message and "\n" not in message
    return message


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_shipped_stack_files_are_far_inside_the_limits(stack: str) -> None:
    assert load_yaml(REPO / "stacks" / f"Pulumi.{stack}.yaml", "stack file")["config"]


def test_bytes_that_are_not_utf8_name_their_line(tmp_path: Path) -> None:
    message = _refused(tmp_path, b"config:\n  a: 1\n  b: caf\xe9\n")
    assert "not UTF-8 text (line 3, byte 0xe9)" in message


def test_a_key_given_twice_names_both_lines(tmp_path: Path) -> None:
    message = _refused(tmp_path, b"config:\n  p:environment: prod\n  p:x: 1\n  p:environment: dev\n")
    assert "key 'p:environment' is given twice (lines 2 and 4)" in message


def test_the_same_key_in_two_mappings_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("a: {name: x}\nb: {name: y}\nbase: &b {k: 1}\nc:\n  <<: *b\n  k: 2\n")
    assert load_yaml(path, "stack file")["c"] == {"k": 2}


def test_nesting_is_refused_before_python_runs_out_of_stack(tmp_path: Path) -> None:
    message = _refused(tmp_path, b"config: " + b"[" * 3000 + b"]" * 3000 + b"\n")
    assert f"nesting deeper than {MAX_DEPTH} levels" in message
    assert "(line 1)" in message


def test_alias_expansion_is_counted_while_composing(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    message = _refused(tmp_path, "\n".join(lines).encode())
    assert f"more than {MAX_NODES} values once its aliases are expanded" in message
    assert "(line 5)" in message  # a4 holds 10^5 values: the first line past the limit


def test_size_is_refused_before_reading_it_all(tmp_path: Path) -> None:
    message = _refused(tmp_path, b"a: " + b"x" * (MAX_BYTES + 10))
    assert "larger than 1024 KiB" in message


def test_policy_config_json_has_the_same_limits(tmp_path: Path) -> None:
    assert "is given twice" in _refused(tmp_path, b'{"a": 1, "a": 2}', load_json)
    assert "not UTF-8" in _refused(tmp_path, b'{"a": "\xff"}', load_json)
    assert "nesting" in _refused(tmp_path, b"[" * 5000 + b"]" * 5000, load_json)
    assert "nesting deeper than" in _refused(tmp_path, b"[" * 100 + b"]" * 100, load_json)


def test_config_the_cli_could_not_pass_to_the_pack_is_refused_naming_the_largest_key() -> None:
    assert config_for_environment({"p:a": "x" * 1000})
    with pytest.raises(UsageError) as caught:
        config_for_environment({"p:small": "x", "p:namePrefix": "x" * MAX_ENV_STRING})
    assert "'p:namePrefix'" in str(caught.value) and "131072-byte limit" in str(caught.value)
