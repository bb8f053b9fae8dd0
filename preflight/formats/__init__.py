"""Output formats of a preflight report."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Report
from . import json_format, junit, markdown, sarif, text

RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": text.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "junit": junit.render,
    "markdown": markdown.render,
}


def render(report: Report, fmt: str) -> str:
    return RENDERERS[fmt](report)
