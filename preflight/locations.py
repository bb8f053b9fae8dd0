"""Where a finding points: a file relative to the project and to the repository root, and a line.

A resource points at the code that registered it (the registration's source position); the stack
itself, and a default provider, point at the stack file, where their config lives.
"""

from __future__ import annotations

from pathlib import Path

from .model import Location
from .project import Project
from .registration import STACK_TYPE, Registration


class Locator:
    def __init__(self, project: Project, root: Path) -> None:
        self.project = project
        self.root = root
        # Thousands of resources come from a handful of files: resolve each file once.
        self._paths: dict[Path, tuple[str, str]] = {}

    def at(self, path: Path, line: int) -> Location:
        known = self._paths.get(path)
        if known is None:
            full = path.resolve()
            rel = full.relative_to(self.project.dir) if full.is_relative_to(self.project.dir) else full
            repo = full.relative_to(self.root) if full.is_relative_to(self.root) else full
            known = self._paths[path] = (rel.as_posix(), repo.as_posix())
        return Location(known[0], known[1], max(line, 1))

    def config_line(self, stack_file: Path, prefix: str | None = None) -> Location:
        """The stack file, at the first key of a package's config when there is one."""
        line = 1
        if prefix:
            try:
                for number, text in enumerate(stack_file.read_text(encoding="utf-8").splitlines(), 1):
                    if text.strip().startswith(prefix):
                        line = number
                        break
            except OSError:
                pass
        return self.at(stack_file, line)

    def of_registration(self, reg: Registration | None, stack_file: Path) -> Location | None:
        """The code that registered a resource, or the stack file for the stack and providers."""
        if reg is None or reg.type == STACK_TYPE:
            return self.config_line(stack_file)
        if reg.source is not None:
            return self.at(reg.source.path, reg.source.line)
        if reg.is_provider:
            return self.config_line(stack_file, f"{reg.type.rsplit(':', 1)[1]}:")
        return None
