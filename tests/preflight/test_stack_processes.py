"""Several stacks at once (preflight/stack_processes.py): the report of one process, in the same
order, and every text scrubbed with every stack's secrets."""

from __future__ import annotations

import json
from typing import Any

from preflight.model import Location, StackError, StackResult, Violation
from preflight.redaction import REDACTED, SecretRedactor
from preflight.stack_processes import _scrubbed


def _without_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if k != "timings"}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


def test_lanes_report_what_one_process_reports(fixture_project) -> None:
    one = fixture_project("--all-stacks", "--jobs", "1", "--format", "json")
    lanes = fixture_project("--all-stacks", "--jobs", "3", "--format", "json")
    assert (lanes.code, lanes.err) == (one.code, one.err)
    doc = json.loads(lanes.out)
    assert [s["stack"] for s in doc["stacks"]] == sorted(s["stack"] for s in doc["stacks"])
    assert _without_timings(doc) == _without_timings(json.loads(one.out))
    assert any(s["violations"] for s in doc["stacks"])


def test_every_text_of_a_stack_is_scrubbed_with_another_stack_s_secret() -> None:
    secrets = SecretRedactor()
    secrets.values.add("hunter2-from-prod")
    where = Location("main.py", "main.py", 12)
    violation = Violation(
        "dev", "p", "pack", "1", "mandatory", "high", "saw hunter2-from-prod", "d",
        "urn:x", "t", "n", where, {"SecNumCloud": "hunter2-from-prod"}, "r", "", ("a",), "resource",
    )  # fmt: skip
    result = StackResult("dev", "stacks/Pulumi.dev.yaml", violations=[violation], timings={"program": 1.5})
    result.error = StackError("crash", "failed with hunter2-from-prod", "trace hunter2-from-prod")
    scrubbed = _scrubbed(result, secrets.scrub)
    assert scrubbed.violations[0].message == f"saw {REDACTED}"
    assert scrubbed.violations[0].framework == {"SecNumCloud": REDACTED}
    assert scrubbed.error == StackError("crash", f"failed with {REDACTED}", f"trace {REDACTED}")
    # What is not text is left as it was.
    assert scrubbed.violations[0].location == where and scrubbed.timings == {"program": 1.5}
