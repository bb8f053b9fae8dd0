"""The structure SARIF 2.1.0 requires, checked by hand (the JSON schema is not available offline).

Covers the required properties and enumerations of the objects preflight emits (sarifLog, run,
tool, toolComponent, reportingDescriptor, result, location, physicalLocation, artifactLocation,
region, suppression, invocation, notification), following the OASIS SARIF 2.1.0 schema, plus what
GitHub code scanning requires on top (a physical location, a relative URI, startLine >= 1).
"""

from __future__ import annotations

from typing import Any

LEVELS = {"none", "note", "warning", "error"}
SUPPRESSION_KINDS = {"inSource", "external"}
SUPPRESSION_STATUS = {"accepted", "underReview", "rejected"}


def _message(obj: Any, where: str) -> None:
    assert isinstance(obj, dict), f"{where}: message must be an object"
    assert isinstance(obj.get("text"), str) or isinstance(obj.get("id"), str), (
        f"{where}: message needs text or id"
    )


def check(log: dict[str, Any]) -> None:
    assert log.get("version") == "2.1.0"
    assert isinstance(log.get("$schema", ""), str)
    runs = log.get("runs")
    assert isinstance(runs, list) and runs, "runs must be a non-empty array"
    for r, run in enumerate(runs):
        driver = run["tool"]["driver"]
        assert isinstance(driver.get("name"), str) and driver["name"]
        rules = driver.get("rules", [])
        ids = [rule["id"] for rule in rules]
        assert len(ids) == len(set(ids)), "rule ids must be unique"
        for rule in rules:
            assert isinstance(rule["id"], str) and rule["id"]
            for key in ("shortDescription", "fullDescription"):
                if key in rule:
                    assert isinstance(rule[key]["text"], str)
            if "help" in rule:
                assert isinstance(rule["help"]["text"], str)
            level = rule.get("defaultConfiguration", {}).get("level", "warning")
            assert level in LEVELS
        for i, inv in enumerate(run.get("invocations", [])):
            assert isinstance(inv["executionSuccessful"], bool), f"run {r} invocation {i}"
            for n in inv.get("toolExecutionNotifications", []):
                _message(n["message"], f"notification in run {r}")
                assert n.get("level", "warning") in LEVELS
        for i, result in enumerate(run.get("results", [])):
            where = f"run {r} result {i}"
            _message(result["message"], where)
            assert result.get("level", "warning") in LEVELS, where
            if "ruleIndex" in result:
                assert rules[result["ruleIndex"]]["id"] == result["ruleId"], where
            assert result["ruleId"] in ids, where
            locations = result.get("locations", [])
            assert locations, f"{where}: GitHub needs a location"
            for loc in locations:
                phys = loc["physicalLocation"]
                uri = phys["artifactLocation"]["uri"]
                assert isinstance(uri, str) and uri and not uri.startswith("/"), f"{where}: relative uri"
                assert phys["region"]["startLine"] >= 1, where
                for logical in loc.get("logicalLocations", []):
                    assert isinstance(logical.get("fullyQualifiedName", ""), str)
            for sup in result.get("suppressions", []):
                assert sup["kind"] in SUPPRESSION_KINDS, where
                assert sup.get("status", "accepted") in SUPPRESSION_STATUS, where
                assert isinstance(sup.get("justification", ""), str)
            for value in result.get("partialFingerprints", {}).values():
                assert isinstance(value, str)
