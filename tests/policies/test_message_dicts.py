"""message_dicts: the pack converts a request's properties once, and every policy still gets
containers of its own."""

from __future__ import annotations

import pytest
from google.protobuf import json_format, struct_pb2
from pulumi_policy import policy as sdk_policy
from pulumi_policy.deserialize import deserialize_properties
from sovereign_guard import message_dicts


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    # Whatever install() replaces is put back after the test.
    monkeypatch.setattr(sdk_policy, "json_format", sdk_policy.json_format)
    message_dicts.install()


def _props() -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update({"name": "vm", "networks": [{"port": "p1"}], "metadata": {"tier": "app"}})
    return s


def test_the_same_message_is_converted_once(installed: None) -> None:
    props, other = _props(), _props()
    convert = sdk_policy.json_format.MessageToDict
    first = convert(props)
    assert first == json_format.MessageToDict(props)
    assert convert(props) is first
    assert convert(other) is not first and convert(other) == first


def test_each_policy_still_gets_its_own_containers(installed: None) -> None:
    props = _props()
    convert = sdk_policy.json_format.MessageToDict
    # As pulumi-policy's Analyze does once per policy.
    one = deserialize_properties(convert(props))
    one["networks"][0]["port"] = "tampered"
    one["metadata"]["tier"] = "tampered"
    two = deserialize_properties(convert(props))
    assert two == {"name": "vm", "networks": [{"port": "p1"}], "metadata": {"tier": "app"}}


def test_install_is_idempotent_and_keeps_the_rest_of_json_format(installed: None) -> None:
    shim = sdk_policy.json_format
    message_dicts.install()
    assert sdk_policy.json_format is shim
    assert shim.ParseDict is json_format.ParseDict
    # Options other than the defaults are passed through, never remembered.
    props = _props()
    once = shim.MessageToDict(props, preserving_proto_field_name=True)
    assert once == json_format.MessageToDict(props)
    assert shim.MessageToDict(props, preserving_proto_field_name=True) is not once
