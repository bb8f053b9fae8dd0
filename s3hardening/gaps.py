"""A gap: one difference between a bucket and its hardened spec."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Gap:
    """One difference between a bucket and its hardened spec."""

    code: str
    """Stable upper-case code, e.g. ENCRYPTION_MISSING."""
    message: str
    """What is missing, for a human."""

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
