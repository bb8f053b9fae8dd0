"""The real tools that read what the project generates (sshd, cloud-init, radosgw, Checkov).

Where a tool is missing, its tests are skipped with the reason printed; in CI (`.ci/run` sets
SLZ_REQUIRE_TOOLS=1, after installing them) a missing tool is a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil

import pytest

REQUIRED = os.environ.get("SLZ_REQUIRE_TOOLS") == "1"


def tool(name: str, package: str) -> str:
    """The tool's path, or skip (locally) / fail (CI) saying which Debian package provides it."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found:
        return found
    reason = f"{name} is not installed (Debian package {package}; .ci/run installs it)"
    if REQUIRED:
        pytest.fail(reason)
    pytest.skip(reason)
