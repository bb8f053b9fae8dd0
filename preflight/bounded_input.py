"""Files a user hands preflight, read with limits checked while they are read, never after.

A stack file or a policy config is input from anyone who can open a pull request. Without limits,
a few lines of YAML aliases expand to millions of items, three thousand brackets exhaust Python's
recursion, and bytes that are not UTF-8 surface as a decoding traceback. Each limit here stops
the read at the first offending line with a UsageError (exit 2) naming the file and the line.
The limits are far above any real landing zone (the shipped prod stack: 6 kB, depth 5, 250 nodes).

Duplicate keys are refused too: the Pulumi CLI's YAML parser refuses them, and a lenient reader
would silently keep the second value (`environment: prod` then `environment: dev` plans dev).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import UsageError

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 100_000
"""Nodes after alias expansion: what the program and the pack would receive."""


def read_text(path: Path, what: str) -> str:
    """The file as UTF-8 text, refused if larger than MAX_BYTES or not UTF-8 (with the line)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as err:
        raise UsageError(f"cannot read {what} {path}: {err.strerror}") from None
    if len(data) > MAX_BYTES:
        raise UsageError(f"{what} {path} is larger than {MAX_BYTES // 1024} KiB; no real config is")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise UsageError(
            f"{what} {path} is not UTF-8 text (line {line}, byte 0x{data[err.start]:02x}); save it as UTF-8"
        ) from None


class _LimitExceeded(yaml.MarkedYAMLError):
    pass


class _UniqueKeys(yaml.SafeLoader):
    """Pulumi's reading of YAML (an unquoted date stays text, a key is given once), with limits."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._expanded: dict[int, int] = {}

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise _LimitExceeded(problem=f"nesting deeper than {MAX_DEPTH} levels", problem_mark=mark)
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if node is None:
            return None
        # An alias returns its anchor's node, already counted: so a parent counts every copy.
        if id(node) not in self._expanded:
            children: list[Node] = []
            if isinstance(node, SequenceNode):
                children = list(node.value)
            elif isinstance(node, MappingNode):
                children = [n for pair in node.value for n in pair]
            self._expanded[id(node)] = 1 + sum(self._expanded.get(id(c), 1) for c in children)
        if self._expanded[id(node)] > MAX_NODES:
            raise _LimitExceeded(
                problem=f"more than {MAX_NODES} values once its aliases are expanded",
                problem_mark=node.start_mark,
            )
        return node

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                line = key_node.start_mark.line + 1
                if key_node.value in seen:
                    raise _LimitExceeded(
                        problem=f"key '{key_node.value}' is given twice (lines {seen[key_node.value]} "
                        f"and {line}); the Pulumi CLI refuses duplicate keys",
                        problem_mark=key_node.start_mark,
                    )
                seen[key_node.value] = line
        return super().construct_mapping(node, deep)


_UniqueKeys.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(path: Path, what: str) -> Any:
    text = read_text(path, what)
    try:
        return yaml.load(text, Loader=_UniqueKeys)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(err, "problem", None) or "not valid YAML"
        if isinstance(err, _LimitExceeded):
            raise UsageError(f"{what} {path}{where}: {problem}") from None
        raise UsageError(f"{what} {path} is not valid YAML{where}: {problem}") from None


def load_json(path: Path, what: str) -> Any:
    text = read_text(path, what)
    if not text.strip():
        return None
    try:
        data = json.loads(text, object_pairs_hook=_unique_json_keys)
    except json.JSONDecodeError as err:
        raise UsageError(f"{what} {path} is not valid JSON (line {err.lineno}): {err.msg}") from None
    except RecursionError:
        raise UsageError(f"{what} {path}: nesting too deep for a config file") from None
    except _DuplicateJsonKey as err:
        raise UsageError(f"{what} {path}: key '{err.args[0]}' is given twice in one object") from None
    if _depth(data) > MAX_DEPTH:
        raise UsageError(f"{what} {path}: nesting deeper than {MAX_DEPTH} levels")
    return data


class _DuplicateJsonKey(Exception):
    pass


def _unique_json_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for k, v in pairs:
        if k in result:
            raise _DuplicateJsonKey(k)
        result[k] = v
    return result


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0
