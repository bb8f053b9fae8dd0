"""Fixtures for the Kubernetes tests: `checkov` (tests/checkov.py) skips or fails without Checkov."""

from tests.checkov import checkov

__all__ = ["checkov"]
