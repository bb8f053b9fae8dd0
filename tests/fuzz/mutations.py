"""Mutations of a stack's config tree, as a careless or hostile user would write them.

A mutation picks one place of the tree (a mapping key, a list item) and does one thing to it:
replaces the value with something of another type or size, deletes it, misspells its key, adds an
unknown key beside it, or repeats a list item. Strategies only: the tests decide what to assert.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

Path = tuple[str | int, ...]

# Values chosen because each once broke a validator somewhere: huge numbers, wrong types, CIDRs
# outside the private ranges, empty and enormous strings, nesting where a scalar belongs.
NASTY_SCALARS: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1,
    10**12,
    10**30,
    1.5,
    float("inf"),
    "",
    " ",
    "yes",
    "on",
    "true",
    "0",
    "0.0.0.0/0",
    "::/0",
    "240.0.0.0/24",
    "198.18.0.0/24",
    "10.10.2.0/24",
    "10.0.0.0/8",
    "not a cidr",
    "http://s3.example.com",
    "https://s3.us-east-va-1.io.cloud.ovh.net",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NT",
    "x" * 5000,
    "é\u202e\x00",
    "${HOME}",
    "{not json",
    "[1, 2",
]


def _places(tree: Any, path: Path = ()) -> list[Path]:
    places: list[Path] = [path] if path else []
    if isinstance(tree, dict):
        for k, v in tree.items():
            places += _places(v, (*path, k))
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            places += _places(v, (*path, i))
    return places


def _parent(tree: Any, path: Path) -> Any:
    node = tree
    for part in path[:-1]:
        node = node[part]
    return node


def values(depth: int = 2) -> st.SearchStrategy[Any]:
    scalar = st.one_of(st.sampled_from(NASTY_SCALARS), st.integers(), st.text(max_size=40))
    if depth == 0:
        return scalar
    inner = values(depth - 1)
    return st.one_of(
        scalar,
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["from", "to", "name", "key", "zones", "x"]), inner, max_size=3),
    )


def _typo(key: str, how: int) -> str:
    if len(key) < 3:
        return key + "x"
    i = how % (len(key) - 1)
    return [key[:i] + key[i + 1 :], key[:i] + key[i + 1] + key[i] + key[i + 2 :], key + "s"][how % 3]


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A copy of `base` with one to three mutations, and a description of them for the report."""
    tree = copy.deepcopy(base)
    done: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        places = _places(tree)
        if not places:
            break
        path = draw(st.sampled_from(places))
        parent, last = _parent(tree, path), path[-1]
        op = draw(st.sampled_from(["replace", "replace", "delete", "typo", "unknown", "repeat"]))
        if op == "replace":
            parent[last] = draw(values())
        elif op == "delete":
            del parent[last]
        elif op == "typo" and isinstance(last, str):
            parent[_typo(last, draw(st.integers(0, 99)))] = parent.pop(last)
        elif op == "unknown" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "forceDestroy", "publicRead", "insecure"]))] = draw(
                values(1)
            )
        elif op == "repeat" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
        else:
            continue
        done.append(f"{op} {'.'.join(map(str, path))}")
    return "; ".join(done) or "none", tree
