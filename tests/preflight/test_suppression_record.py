"""The applied-suppression record round-trips: written by the pack's one writer, read by preflight's
one reader, whatever text the program or the policy config puts into it."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "policies") not in sys.path:
    sys.path.insert(0, str(REPO / "policies"))

from sovereign_guard import suppressions  # noqa: E402

from preflight import suppression_records  # noqa: E402
from preflight.suppression_records import AppliedRecord, applied_record  # noqa: E402

PACK = "sovereign-guard"
DISCLOSE = "hygiene-suppression-enforce-disclosure"
DESCRIPTION = "Applied suppressions are disclosed, with their reason and expiry."


def _load_writer() -> ModuleType:
    # By path, as a test pack does: the module must need nothing but the standard library.
    path = REPO / "policies" / "sovereign_guard" / "suppression_record.py"
    spec = importlib.util.spec_from_file_location("pack_suppression_record", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


writer = _load_writer()

PLAIN = {
    "policy": "network-admin-port-disallow-public-ingress",
    "urn": "urn:pulumi:dev::sovereign-landing-zone::openstack:networking/secGroupRule:SecGroupRule::vssh",
    "resource": "vendor-ssh",
    "reason": "Vendor maintenance window, ticket CHG-2026-1142",
    "expires": "2027-01-31",
    "approved_by": "Jane Doe (RSSI)",
    "message": "administration port(s) 22 open to 0.0.0.0/0",
}
FORGED_LINE = "suppression: " + json.dumps(
    {**PLAIN, "policy": "access-credential-disallow-plaintext", "record_version": 1}
)
HOSTILE = [
    {"message": f"rule 'x\n{FORGED_LINE}\ny' opens 22\nsecond line"},
    {"urn": PLAIN["urn"] + f"\n{FORGED_LINE}", "resource": 'vendor-"ssh"-*'},
    {"reason": 'He said "fine" \\ then left\r\nfor the day, \u2028really\u2029 \x85 ok'},
    {"approved_by": f"Jane\n{FORGED_LINE}", "message": "élève: clé « publique »"},
    {"message": ""},
]


def _as_pulumi_policy_reports(message: str) -> str:
    """pulumi-policy puts the disclosing policy's description before the message."""
    return f"{DESCRIPTION}\n{message}"


@pytest.mark.parametrize(
    "changes", [{}, *HOSTILE], ids=["plain", *(f"hostile{i}" for i in range(len(HOSTILE)))]
)
def test_what_the_pack_writes_preflight_reads_back_unchanged(changes: dict[str, str]) -> None:
    fields = {**PLAIN, **changes}
    message = _as_pulumi_policy_reports(writer.disclosure_message(**fields))
    assert applied_record(message) == AppliedRecord(**fields)
    # The record is one line under any definition of a line, after one human line.
    description, human, record = message.splitlines()
    assert description == DESCRIPTION
    assert human.startswith(f"[suppressed until {fields['expires']} by ")
    assert record.startswith("suppression: {") and '"record_version": 1' in record


def test_the_human_line_reads_as_before() -> None:
    message = writer.disclosure_message(**{**PLAIN, "message": "first line\nsecond line"})
    human, _ = message.split("\n")
    assert human == (
        "[suppressed until 2027-01-31 by Jane Doe (RSSI)] network-admin-port-disallow-public-ingress: "
        "first line"
    )


def test_a_forged_record_in_a_resource_name_is_not_read() -> None:
    # The program names a resource so that a policy's message quotes a record line of its own.
    violation = f"rule '{FORGED_LINE}' opens 22"
    quoted = _as_pulumi_policy_reports(f"first\n{FORGED_LINE}\nmore of the violation: {violation}")
    assert applied_record(quoted) is None
    # Even inside a genuine disclosure, only the writer's own last line counts.
    genuine = writer.disclosure_message(**{**PLAIN, "message": f"first\n{FORGED_LINE}"})
    record = applied_record(genuine)
    assert record is not None and record.policy == PLAIN["policy"]
    # And from any policy but the pack's disclosure policies, nothing is read at all.
    diag = SimpleNamespace(policy_name=PLAIN["policy"], policy_pack_name=PACK, message=genuine)
    violations, applied = suppression_records.split([("resource", PLAIN["urn"], diag)], PACK)
    assert violations and not applied


@pytest.mark.parametrize(
    "line",
    [
        "suppression: " + json.dumps(PLAIN),  # no version: the unversioned format is not read
        "suppression: " + json.dumps({**PLAIN, "record_version": 2}),  # a version not known
        "suppression: " + json.dumps({**PLAIN, "record_version": "1"}),
        "suppression: " + json.dumps({**PLAIN, "record_version": 1, "policy": ""}),
        "suppression: " + json.dumps({**PLAIN, "record_version": 1, "reason": ["a list"]}),
        "suppression: " + json.dumps([PLAIN]),
        "suppression: {not json",
        "suppression:" + json.dumps({**PLAIN, "record_version": 1}),
    ],
)
def test_anything_but_a_known_version_is_not_a_record(line: str) -> None:
    assert applied_record(f"{DESCRIPTION}\n[suppressed]\n{line}") is None


def test_the_writer_and_the_reader_agree_on_the_contract() -> None:
    assert writer.RECORD_PREFIX == suppression_records.RECORD_PREFIX
    assert writer.VERSION_KEY == suppression_records.VERSION_KEY
    assert writer.RECORD_VERSION in suppression_records.READABLE_VERSIONS
    assert set(writer.FIELDS) == set(AppliedRecord.__dataclass_fields__)


def test_the_pack_discloses_through_the_writer() -> None:
    # sovereign-guard's applied_message is the writer's output for the suppression's fields.
    s = suppressions.Suppression(
        0, PLAIN["policy"], PLAIN["resource"], PLAIN["reason"], dt.date(2027, 1, 31), PLAIN["approved_by"]
    )
    message = suppressions.applied_message(s, PLAIN["policy"], PLAIN["urn"], PLAIN["message"])
    assert applied_record(message) == AppliedRecord(**PLAIN)
