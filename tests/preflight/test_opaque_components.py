"""yaml/v2 and helm.sh/v4 components register no children offline: each is an advisory finding."""

from __future__ import annotations

import json

from preflight.opaque_components import POLICY, is_opaque
from tests.preflight.conftest import FIXTURES, REPO

OPAQUE = FIXTURES / "opaque-k8s"


def test_each_opaque_component_is_named_as_not_analysed(preflight) -> None:
    r = preflight(
        "--project-dir", OPAQUE, "--policy-pack", REPO / "policies", "--stack", "demo", "--format", "json"
    )
    assert r.code in (0, 1), r.err
    (stack,) = json.loads(r.out)["stacks"]
    ours = [v for v in stack["violations"] if v["policy"] == POLICY]
    assert {(v["resource"]["type"], v["resource"]["name"]) for v in ours} == {
        ("kubernetes:yaml/v2:ConfigGroup", "privileged-manifests"),
        ("kubernetes:helm.sh/v4:Chart", "vendor-chart"),
    }
    for v in ours:
        assert v["enforcement"] == "advisory"
        assert v["resource"]["name"] in v["message"] and "not analysed" in v["message"]
        assert v["location"]["path"] == "__main__.py"
    # Nothing inside them reached the pack: the privileged Pod is not a resource of the run.
    assert not any(res["type"] == "kubernetes:core/v1:Pod" for res in stack.get("resources", []))


def test_only_the_expanding_components_are_opaque() -> None:
    assert is_opaque("kubernetes:yaml/v2:ConfigFile")
    assert is_opaque("kubernetes:helm.sh/v4:Chart")
    assert not is_opaque("kubernetes:core/v1:Namespace")
    assert not is_opaque("kubernetes:helm.sh/v3:Release")


def test_the_shipped_stacks_have_none(preflight) -> None:
    r = preflight("--project-dir", REPO, "--stack", "prod", "--format", "json")
    (stack,) = json.loads(r.out)["stacks"]
    assert not [v for v in stack["violations"] if v["policy"] == POLICY]
