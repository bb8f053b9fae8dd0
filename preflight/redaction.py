"""Keeping secrets out of reports: every secret string preflight knows of, and the scrubber.

Preflight learns secrets from two places: the stack's secret config values and every
secret-wrapped input the program registered. Any of them found in a message, a resource name, a
URN or a table cell is replaced by REDACTED before it reaches a report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .secure_config import SECRET_PLACEHOLDER, RawStackConfig
from .wire import SECRET_SIG_KEY, SIGNATURES

if TYPE_CHECKING:
    from .registration import Registration

REDACTED = "[secret]"
# Shorter values cannot be replaced without mangling the report; they are no real secrets either.
_MIN_SECRET = 4
_FEW_HEADS = 32
_Matcher = tuple[list[str], int, frozenset[str], "re.Pattern[str] | None"]
"""Secrets longest first, the width of their heads, the heads, and a pattern finding them."""


class SecretRedactor:
    """Every secret string preflight knows of, so that none reaches a report."""

    def __init__(self) -> None:
        self.values: set[str] = set()
        """Only ever added to (the matcher is rebuilt when it grows)."""
        self._matcher_for = 0
        self._cached: _Matcher = ([], 1, frozenset(), None)

    def add_config(self, config: RawStackConfig) -> None:
        for key in config.secret_keys:
            value = config.values.get(key, "")
            if value and value != SECRET_PLACEHOLDER:
                self.values.add(value)

    def add_registrations(self, registrations: Iterable[Registration]) -> None:
        from google.protobuf import json_format

        for reg in registrations:
            self._walk(json_format.MessageToDict(reg.inputs), secret=False)
            self._walk(reg.outputs, secret=False)

    def _walk(self, value: Any, *, secret: bool) -> None:
        if isinstance(value, dict):
            inner = secret or value.get(SECRET_SIG_KEY) is not None
            for v in value.values():
                self._walk(v, secret=inner)
        elif isinstance(value, list):
            for v in value:
                self._walk(v, secret=secret)
        elif secret and isinstance(value, str) and len(value) >= _MIN_SECRET and value not in SIGNATURES:
            self.values.add(value)

    def scrub(self, text: str) -> str:
        longest_first, width, heads, head_pattern = self._matcher()
        # Most texts hold no secret, and a text holding one holds its first `width` characters:
        # whether it holds one of those heads says whether the scrub below can change anything.
        if head_pattern is not None:
            if not head_pattern.search(text):
                return text
        elif heads.isdisjoint({text[i : i + width] for i in range(len(text) - width + 1)}):
            return text
        for value in longest_first:
            if value in text:
                text = text.replace(value, REDACTED)
        return text

    def _matcher(self) -> _Matcher:
        # Rebuilt when a secret was added: with a thousand secrets and tens of thousands of texts,
        # sorting and testing every value for every text made the report quadratic.
        if self._matcher_for != len(self.values):
            longest_first = sorted(self.values, key=len, reverse=True)
            width = min((len(v) for v in longest_first), default=1)
            width = min(width, 4)  # short heads: few distinct ones, and short windows to hash
            heads = frozenset(v[:width] for v in longest_first)
            # A few heads are found fastest by the regex engine's scan; many, by hashing windows.
            few = len(heads) <= _FEW_HEADS
            pattern = re.compile("|".join(map(re.escape, sorted(heads)))) if few else None
            self._cached = (longest_first, width, heads, pattern)
            self._matcher_for = len(self.values)
        return self._cached
