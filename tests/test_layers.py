"""Which folder may import which: the layering of docs/architecture.md, declared as data and checked.

Every Python file of the checkout belongs to one layer (the longest folder that holds it). A layer
may import the project packages its row names, and nothing else of the project; a row may name a
single module (`components.catalogue`) where only that view is allowed. The package graph must stay
acyclic. Third-party imports are not judged here (tests/object_storage/test_leaf_packages.py pins
that `s3hardening` and `statebackend` load no pulumi).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ARCHITECTURE = REPO / "docs" / "architecture.md"


@dataclass(frozen=True)
class Layer:
    """One folder (or root file) of the checkout and the project imports allowed in it."""

    path: str
    """Folder or file, relative to the checkout root."""
    package: str
    """The name others import it by (a node of the package graph)."""
    holds: str
    """What the folder is for, one line (rendered in docs/architecture.md)."""
    may_import: tuple[str, ...] = ()
    """Project packages or single modules this layer may import; empty: none."""


# The catalogue view statebackend may read: plain data and the S3 endpoints, no pulumi behind it.
CATALOGUE_VIEW = ("components.catalogue", "components.object_storage_endpoints")

LAYERS: tuple[Layer, ...] = (
    Layer("review_tables", "review_tables", "the flow-matrix and key-custody table schemas"),
    Layer("s3hardening", "s3hardening", "harden and audit an S3 bucket with boto3"),
    Layer(
        "statebackend",
        "statebackend",
        "CLI: bootstrap and audit the state bucket",
        ("s3hardening", *CATALOGUE_VIEW),
    ),
    Layer(
        "components",
        "components",
        "the program's components, config and catalogue view",
        ("review_tables", "s3hardening"),
    ),
    Layer("__main__.py", "program", "the Pulumi program", ("components",)),
    Layer("policies/sovereign_guard", "sovereign_guard", "the pack's policies and framework"),
    Layer("policies", "policies", "the pack's entry point and docs generator", ("sovereign_guard",)),
    Layer("preflight", "preflight", "the offline engine and its reports", ("review_tables",)),
    Layer("bench", "bench", "benchmarks run by hand or as a CI smoke", ("preflight",)),
    Layer("setup.py", "setup", "which packages the wheel carries"),
    Layer(
        "tests",
        "tests",
        "the tests, mirroring the tree",
        (
            "components",
            "preflight",
            "review_tables",
            "s3hardening",
            "statebackend",
            "sovereign_guard",
            "tests",
        ),
    ),
)


def _package(name: str) -> str:
    """The graph node of a dotted import name (the installed wheel calls the pack directory
    `sovereign_guard_pack`)."""
    top = name.split(".")[0]
    return "policies" if top == "sovereign_guard_pack" else top


def layer_of(relative: Path, layers: tuple[Layer, ...] = LAYERS) -> Layer | None:
    """The layer with the longest path that holds `relative`, or None if no row declares it."""
    text = relative.as_posix()
    held = [layer for layer in layers if text == layer.path or text.startswith(layer.path + "/")]
    return max(held, key=lambda layer: len(layer.path), default=None)


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    """Absolute imports as dotted names; `from a import b` yields `a.b` (b may be a module)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def _allowed(name: str, layer: Layer) -> bool:
    """A name is allowed if its own package is the layer's, or a row entry is a prefix of it."""
    if _package(name) == layer.package:
        return True
    return any(name == entry or name.startswith(entry + ".") for entry in layer.may_import)


def _python_files(root: Path) -> list[Path]:
    # Hidden folders (.venv, .checkov-venv, .git) and build output hold no code of ours.
    skip = {"venv", "node_modules", "__pycache__", "build", "dist"}
    return sorted(
        p
        for p in root.rglob("*.py")
        if not skip & set(p.relative_to(root).parts)
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def layer_breaks(root: Path, layers: tuple[Layer, ...] = LAYERS) -> list[str]:
    """One line per import that breaks its layer's row (or per file no row declares)."""
    project = {layer.package for layer in layers}
    breaks: list[str] = []
    for path in _python_files(root):
        relative = path.relative_to(root)
        layer = layer_of(relative, layers)
        if layer is None:
            breaks.append(f"{relative}: no layer declares this folder (add a row to LAYERS)")
            continue
        for line, name in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if _package(name) in project and not _allowed(name, layer):
                allowed = ", ".join(layer.may_import) or "no project package"
                breaks.append(f"{relative}:{line}: imports {name}; {layer.path} may import {allowed}")
    return breaks


def package_graph(root: Path, layers: tuple[Layer, ...] = LAYERS) -> dict[str, set[str]]:
    """Package -> packages it imports, from the code (not from the rules)."""
    by_name = {layer.package: layer for layer in layers}
    graph: dict[str, set[str]] = {layer.package: set() for layer in layers}
    for path in _python_files(root):
        layer = layer_of(path.relative_to(root), layers)
        if layer is None:
            continue
        for _, name in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            top = _package(name)
            if top in by_name and top != layer.package:
                graph[layer.package].add(top)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every elementary cycle found by a depth-first walk, each as a path that ends where it began."""
    found: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()

    def walk(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                loop = path[path.index(nxt) :]
                key = tuple(sorted(loop))
                if key not in seen:
                    seen.add(key)
                    found.append([*loop, nxt])
            else:
                walk(nxt, [*path, nxt])

    for start in sorted(graph):
        walk(start, [start])
    return found


def rules_table(layers: tuple[Layer, ...] = LAYERS) -> str:
    """The Markdown table docs/architecture.md carries, rendered from LAYERS."""
    rows = ["| folder | what it holds | may import |", "| --- | --- | --- |"]
    for layer in layers:
        allowed = ", ".join(f"`{name}`" for name in layer.may_import) or "no project package"
        rows.append(f"| `{layer.path}` | {layer.holds} | {allowed} |")
    return "\n".join(rows)


def test_every_import_keeps_to_its_layer() -> None:
    assert layer_breaks(REPO) == []


def test_no_import_cycle_between_packages() -> None:
    assert cycles(package_graph(REPO)) == []


def test_the_catalogue_view_is_closed() -> None:
    """What statebackend may read of components imports nothing of components beyond the view."""
    statebackend = next(layer for layer in LAYERS if layer.package == "statebackend")
    for module in CATALOGUE_VIEW:
        path = REPO / (module.replace(".", "/") + ".py")
        names = [n for _, n in _imports(ast.parse(path.read_text(encoding="utf-8")))]
        project = [n for n in names if _package(n) in {layer.package for layer in LAYERS}]
        assert [n for n in project if not _allowed(n, statebackend)] == [], module


def test_architecture_doc_carries_the_table() -> None:
    assert rules_table() in ARCHITECTURE.read_text(encoding="utf-8")


# The checker itself must be able to fail: a planted tree with one bad import and one cycle.
@pytest.fixture
def planted(tmp_path: Path) -> Path:
    files = {
        "review_tables/__init__.py": "import components.kms\n",
        "components/kms.py": "from review_tables import FLOW_MATRIX\n",
        "preflight/run.py": "from components import catalogue\nimport review_tables\n",
        "statebackend/cli.py": "from components.catalogue import load_catalogue\nimport components.kms\n",
        "stray/tool.py": "import os\n",
    }
    for relative, text in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")
    return tmp_path


def test_a_planted_bad_import_is_named_with_its_file_and_line(planted: Path) -> None:
    assert layer_breaks(planted) == [
        "preflight/run.py:1: imports components.catalogue; preflight may import review_tables",
        "review_tables/__init__.py:1: imports components.kms; review_tables may import no project package",
        "statebackend/cli.py:2: imports components.kms; statebackend may import s3hardening, "
        "components.catalogue, components.object_storage_endpoints",
        "stray/tool.py: no layer declares this folder (add a row to LAYERS)",
    ]


def test_a_planted_cycle_is_found(planted: Path) -> None:
    found = cycles(package_graph(planted))
    assert found == [["components", "review_tables", "components"]]
