"""The applied-suppression record, version 1: the only text a report tool parses out of the pack.

When a suppression applies, the pack reports an advisory diagnostic of a disclosure policy whose
message this module writes, and nothing else does:

    [suppressed until <expires> by <approved_by>] <policy>: <first line of the violation>
    suppression: {"approved_by": ..., "expires": ..., "message": ..., "policy": ...,
                  "reason": ..., "record_version": 1, "resource": ..., "urn": ...}

(pulumi-policy puts the disclosing policy's description on a line before both.) The contract:
- the record is the LAST line of the message, `RECORD_PREFIX` then one JSON object;
- the object carries `record_version` (RECORD_VERSION); a reader ignores any version it does not
  know, so a future change is a new version, never a silent reinterpretation;
- every other key is a string: `policy` (the suppressed policy), `urn` (the suppressed resource),
  `resource` (the suppression's pattern), `reason`, `expires` (ISO date), `approved_by`, and
  `message` (the full violation message);
- the JSON escapes every line break, including U+0085, U+2028 and U+2029 that JSON leaves raw, so
  the record is one line under any definition of a line; the human line has its line breaks
  replaced by spaces, so no text the program or the config controls can start a line of its own.

One writer, one reader: this module writes (the pack uses nothing else to speak of applied
suppressions); the reader is preflight's (`preflight/suppression_records.py`), keyed by
`record_version`, and `tests/preflight/test_suppression_record.py` writes with this module and
reads with that one. The pack carries no parser it does not use, and stays publishable alone.

Only the standard library is imported, so that a test pack can load this file by path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

RECORD_PREFIX = "suppression: "
RECORD_VERSION = 1
VERSION_KEY = "record_version"
SUPPRESSED_PREFIX = "[suppressed until "
FIELDS = ("policy", "urn", "resource", "reason", "expires", "approved_by", "message")

# Characters that some reader would take as the end of a line (str.splitlines' set).
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_RAW_IN_JSON = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def record_line(fields: Mapping[str, str]) -> str:
    """The machine-readable line: RECORD_PREFIX, then the versioned JSON object on one line."""
    record = {key: str(fields[key]) for key in FIELDS}
    text = json.dumps({**record, VERSION_KEY: RECORD_VERSION}, sort_keys=True, ensure_ascii=False)
    for raw, escaped in _RAW_IN_JSON.items():
        # Only inside strings can they occur, where the escape means the same character.
        text = text.replace(raw, escaped)
    return RECORD_PREFIX + text


def one_line(text: str) -> str:
    return _LINE_BREAKS.sub(" ", text)


def disclosure_message(
    *, policy: str, urn: str, message: str, resource: str, reason: str, expires: str, approved_by: str
) -> str:
    """The message of the diagnostic that discloses an applied suppression of `policy` on `urn`.

    Line 1 is for a human reading the CLI's output; line 2 is the record.
    """
    first = message.splitlines()[0] if message else ""
    human = f"{SUPPRESSED_PREFIX}{expires} by {approved_by}] {policy}: {first}"
    fields = {
        "policy": policy,
        "urn": urn,
        "resource": resource,
        "reason": reason,
        "expires": expires,
        "approved_by": approved_by,
        "message": message,
    }
    return f"{one_line(human)}\n{record_line(fields)}"
