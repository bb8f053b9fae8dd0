"""A gap: one difference between a bucket and its hardened spec; or a notice, which is not one."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Gap:
    """One difference between a bucket and its hardened spec (blocking), or a notice (not)."""

    code: str
    """Stable upper-case code, e.g. ENCRYPTION_MISSING."""
    message: str
    """What is missing, for a human."""
    blocking: bool = True
    """False for a notice: a limit the config accepted, or a bound on what the audit checked.
    Notices never make an audit fail, and are always shown."""

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def notice(code: str, message: str) -> Gap:
    return Gap(code, message, blocking=False)


@dataclass(frozen=True)
class AuditReport:
    """What an audit found: the gaps (the bucket is not hardened as asked) and the notices."""

    gaps: list[Gap] = field(default_factory=list)
    notices: list[Gap] = field(default_factory=list)

    @classmethod
    def of(cls, findings: list[Gap]) -> AuditReport:
        return cls([f for f in findings if f.blocking], [f for f in findings if not f.blocking])

    @property
    def clean(self) -> bool:
        return not self.gaps
