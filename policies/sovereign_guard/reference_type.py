"""One clause of one framework: the shape every reference table of the pack is written in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    """One clause of one framework."""

    id: str
    framework: str
    version: str
    clause: str
    summary: str
    project_choice: bool = False
    """True when the pack requires more than the text does (stated as such everywhere)."""
    second_hand: bool = False
    """True when the clause number comes from a third-party transcription, not the original."""

    def label(self) -> str:
        text = f"{self.framework} {self.version} {self.clause}".replace("  ", " ").strip()
        if self.second_hand:
            text += " (numbering transcribed second-hand)"
        return f"{text} (project choice)" if self.project_choice else text
