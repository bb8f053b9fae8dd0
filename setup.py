"""Which packages the wheel carries; everything else is in pyproject.toml.

The pack directory `policies/` ships whole, renamed `sovereign_guard_pack` (a name that says what
it is in site-packages), with every subpackage of `sovereign_guard` found as it grows.
"""

from setuptools import find_packages, setup

TOOL = ["preflight*", "statebackend*", "s3hardening*", "review_tables*", "components*"]
PACK = "sovereign_guard_pack"

setup(
    packages=[
        *find_packages(include=TOOL),
        PACK,
        *(f"{PACK}.{name}" for name in find_packages("policies")),
    ],
    package_dir={PACK: "policies"},
)
