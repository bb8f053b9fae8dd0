"""The component tables' contract: the LandingZone of a shipped stack, recorded, publishes both
tables with exactly the declared columns, and every format renders them from those columns."""

from __future__ import annotations

import json

import pytest

from components.landing_zone import plan_landing_zone
from components.stack_config import parse_stack_config
from preflight.component_tables import component_table
from preflight.formats import render
from preflight.model import Report, StackResult
from preflight.redaction import SecretRedactor
from review_tables import FLOW_MATRIX, KEY_CUSTODY, TableSchema
from tests.support import record, stack_copy

STACK = "prod"


@pytest.fixture(scope="module")
def recorded() -> StackResult:
    registrations = record(stack_copy(STACK), stack=STACK)
    secrets = SecretRedactor()
    secrets.add_registrations(registrations)
    return StackResult(
        stack=STACK,
        stack_file=f"stacks/Pulumi.{STACK}.yaml",
        flow_matrix=component_table(registrations, FLOW_MATRIX, secrets),
        key_custody=component_table(registrations, KEY_CUSTODY, secrets),
    )


def _report(stack: StackResult) -> Report:
    return Report(tool_version="test", project="sovereign-landing-zone", project_dir=".", stacks=[stack])


def test_both_tables_arrive_with_exactly_the_declared_columns(recorded: StackResult) -> None:
    for table, rows in ((FLOW_MATRIX, recorded.flow_matrix), (KEY_CUSTODY, recorded.key_custody)):
        assert rows, f"the LandingZone published no {table.output}"
        # The wire (a protobuf Struct) keeps no key order: the set of columns is the contract.
        assert all(sorted(row) == sorted(table.names) for row in rows)


def test_the_flow_matrix_is_the_planned_one(recorded: StackResult) -> None:
    plan = plan_landing_zone(parse_stack_config(stack_copy(STACK)))
    assert recorded.flow_matrix == [entry.as_row() for entry in plan.matrix]


def test_text_and_markdown_render_every_row_from_its_columns(recorded: StackResult) -> None:
    text = render(_report(recorded), "text")
    markdown = render(_report(recorded), "markdown")
    flows, keys = recorded.flow_matrix or [], recorded.key_custody or []
    assert f"{FLOW_MATRIX.title} ({len(flows)} flows)" in text
    assert f"{KEY_CUSTODY.title} ({len(keys)} keys)" in text
    for row in flows:
        ports = row["ports"] if row["port_min"] is not None else ""
        proto = f"{row['protocol']}/{ports}" if ports else row["protocol"]
        assert f"| `{row['source']}` | `{row['destination']}` | {proto} | {row['origin']} |" in markdown
        assert any(
            line.split()[:4] == [row["source"], "->", row["destination"], proto] for line in text.splitlines()
        )
    for row in keys:
        line = f"  {row['key']} g{row['generation']}  {row['custody']}: {row['material_location']}"
        assert line in text.splitlines()
        assert f"| `{row['key']}` | {row['generation']} | {row['custody']} |" in markdown


def test_json_carries_the_tables_as_published(recorded: StackResult) -> None:
    doc = json.loads(render(_report(recorded), "json"))
    (stack,) = doc["stacks"]
    assert stack["flowMatrix"] == recorded.flow_matrix
    assert stack["keyCustody"] == recorded.key_custody


def test_a_column_outside_the_schema_is_refused_on_both_sides() -> None:
    table = TableSchema("t", "T", FLOW_MATRIX.columns[:2])
    with pytest.raises(ValueError, match="undeclared columns"):
        table.row(source="a", destination="b", from_="c")
    with pytest.raises(ValueError, match="missing columns"):
        table.row(source="a")
    with pytest.raises(KeyError, match="no column 'from'"):
        FLOW_MATRIX.cell({"from": "app"}, "from")
