"""Fixtures for the object-storage and state-backend tests: fake AWS credentials, moto in-process
and a moto S3 server on 127.0.0.1 (a real HTTP endpoint, started and stopped by the tests)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# moto in-process only intercepts AWS host names; tests approve this one explicitly, which also
# exercises the "approved endpoint" path. Nothing leaves the process: mock_aws answers.
INPROCESS_ENDPOINT = "https://s3.eu-west-3.amazonaws.com"
INPROCESS_REGION = "eu-west-3"
FAKE_KEY_ID = "AKIAFAKEKEYID0000001"
FAKE_SECRET = "fake-secret-Zq9vX2mN8pL4kR7t"  # distinctive, so leak checks can grep for it

_AWS_VARS = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
)


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials only, no profile or config file from the developer's machine."""
    for name in _AWS_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FAKE_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FAKE_SECRET)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def moto_inprocess() -> Iterator[None]:
    from moto import mock_aws

    with mock_aws():
        yield


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A moto S3 server on 127.0.0.1 and a free port; yields its http URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
