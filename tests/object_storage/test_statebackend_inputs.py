"""statebackend's endpoint locality (the state stays in the EU) and its redaction of credentials."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

import pytest
from botocore.exceptions import ClientError, ParamValidationError

import s3hardening
from components.catalogue import load_catalogue
from components.object_storage_endpoints import catalogue_s3_endpoints
from s3hardening.redaction import MARK, MIN_SECRET_LENGTH, redact
from statebackend.cli import main
from statebackend.locality import require_eu_region

# Made up for these tests, shaped like a real secret key: 40 characters with '/' and '+', so that
# its percent-encoded form differs from it.
REAL_SECRET = "Xk3/pQ9+vT7mZr2LwY8nB4cF6hJ1sD5gA0eR9uIo"
REAL_KEY_ID = "RGWKEYID7Q2M9X4T1ZAB"
NON_EU = [
    "https://s3.us-east-va-1.io.cloud.ovh.net",
    "https://s3.bhs5.io.cloud.ovh.net",
    "https://s3.uk1.io.cloud.ovh.net",
]


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("approve", [[], ["--approve-endpoint"]])
@pytest.mark.parametrize("url", NON_EU)
def test_a_catalogue_region_outside_the_eu_is_refused_even_when_approved(
    url: str, approve: list[str]
) -> None:
    code, out, err = _cli("audit", "--endpoint-url", url, "--bucket", "abc", *approve)
    lines = err.splitlines()
    assert code == 2 and out == "" and len(lines) == 1
    assert f"config key '--endpoint-url': value '{url}' is not allowed" in lines[0]
    assert "a catalogue region in the EU" in lines[0] and "GRA11" in lines[0] and "19.2.d" in lines[0]
    assert "--approve-endpoint cannot allow" in lines[0] and "(or pass --approve-endpoint)" not in lines[0]


def test_every_eu_catalogue_endpoint_passes_the_locality_check() -> None:
    catalogue = load_catalogue()
    known = catalogue_s3_endpoints(catalogue)
    eu = [k for k in known if k.country in catalogue.eu_countries]
    assert {k.region for k in eu} >= {"GRA11", "DE1", "eu-west-rbx-snc"}
    for entry in eu:
        endpoint = s3hardening.validate_endpoint(entry.url, known=known)
        require_eu_region(endpoint, known, catalogue.eu_countries)  # no error
    refused = []
    for entry in known:
        endpoint = s3hardening.validate_endpoint(entry.url, known=known)
        try:
            require_eu_region(endpoint, known, catalogue.eu_countries)
        except s3hardening.S3SettingError:
            refused.append(entry.region)
    assert sorted(refused) == ["BHS5", "UK1", "US-EAST-VA-1"]


def test_an_approved_endpoint_outside_the_catalogue_is_the_organisations_call() -> None:
    catalogue = load_catalogue()
    known = catalogue_s3_endpoints(catalogue)
    endpoint = s3hardening.validate_endpoint(
        "https://s3.example.org", known=known, approved=["https://s3.example.org"]
    )
    require_eu_region(endpoint, known, catalogue.eu_countries)  # approval stands for what is unknown


def test_a_credential_value_that_is_a_common_word_never_cuts_the_tools_sentences(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    code, out, err = _cli("audit", "--endpoint-url", "http://s3.example.org", "--bucket", "abc")
    assert code == 2 and out == ""
    assert "but a loopback test one" in err and "<redacted>" not in err


@pytest.mark.parametrize("short", ["test", "minioadmin", "x" * (MIN_SECRET_LENGTH - 1)])
def test_values_too_short_to_be_a_credential_are_not_redacted(short: str) -> None:
    text = f"a loopback test one; {short}"
    assert redact(text, [short]) == text


def test_a_long_value_is_redacted_whole_wherever_it_appears() -> None:
    inner = REAL_SECRET[:20]
    text = f"a {REAL_SECRET} b x{REAL_SECRET}y c=%s d" % quote(REAL_SECRET, safe="")
    cleaned = redact(text, [inner, REAL_SECRET])
    assert cleaned == f"a {MARK} b x{MARK}y c={MARK} d"
    assert redact(f"only {inner}", [inner, REAL_SECRET]) == f"only {MARK}"


class _EchoingClient:
    """An endpoint whose answers quote the caller's credentials, raw and percent-encoded."""

    def __init__(self, failure: BaseException) -> None:
        self.failure = failure

    def __getattr__(self, _method: str) -> Any:
        def call(**_: Any) -> Any:
            raise self.failure

        return call


def _echo() -> str:
    return f"key {REAL_KEY_ID} secret {REAL_SECRET} encoded {quote(REAL_SECRET, safe='')}"


@pytest.mark.parametrize(
    "failure",
    [
        ClientError({"Error": {"Code": "SlowDown", "Message": _echo()}}, "HeadBucket"),
        ClientError({"Error": {"Code": "SignatureDoesNotMatch", "Message": _echo()}}, "HeadBucket"),
        ParamValidationError(report=_echo()),
        RuntimeError(_echo()),
    ],
    ids=["server-error", "auth-error", "botocore-error", "unexpected-error"],
)
@pytest.mark.parametrize("command", ["audit", "bootstrap"])
def test_a_real_secret_never_reaches_stdout_stderr_or_exception_text(
    monkeypatch: pytest.MonkeyPatch, failure: BaseException, command: str
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", REAL_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", REAL_SECRET)
    monkeypatch.setattr(s3hardening.Target, "client", lambda self: _EchoingClient(failure))
    code, out, err = _cli(command, "--endpoint-url", "http://127.0.0.1:9", "--bucket", "abc")
    assert code == 1 and ("statebackend: error:" in err or "BUCKET_UNREADABLE" in out)
    target = s3hardening.Target(
        s3hardening.validate_endpoint("http://127.0.0.1:9", known=()), "us-east-1", REAL_KEY_ID, REAL_SECRET
    )
    try:
        s3hardening.exists(target, "abc")
    except Exception as exc:  # the exception callers see, with its whole chain
        raised = f"{exc} {exc!r} {exc.args} {exc.__cause__!r} {exc.__context__!r}"
    else:
        pytest.fail("the echoing endpoint must fail")
    for value in (REAL_SECRET, quote(REAL_SECRET, safe=""), REAL_KEY_ID):
        assert value not in out and value not in err and value not in raised


class _FailsAfterCreate:
    """Creates the bucket, then answers every hardening step with an error quoting the secret."""

    def head_bucket(self, **_: Any) -> None:
        raise ClientError({"Error": {"Code": "404", "Message": "Not Found"}}, "HeadBucket")

    def create_bucket(self, **_: Any) -> dict[str, Any]:
        return {}

    def list_object_versions(self, **_: Any) -> dict[str, Any]:
        return {}

    def list_multipart_uploads(self, **_: Any) -> dict[str, Any]:
        return {}

    def delete_bucket(self, **_: Any) -> dict[str, Any]:
        return {}

    def __getattr__(self, method: str) -> Any:
        def call(**_: Any) -> Any:
            raise ClientError({"Error": {"Code": "InternalError", "Message": _echo()}}, method)

        return call


def test_a_failed_hardening_keeps_no_chained_error_that_quotes_the_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(s3hardening.Target, "client", lambda self: _FailsAfterCreate())
    target = s3hardening.Target(
        s3hardening.validate_endpoint("http://127.0.0.1:9", known=()), "us-east-1", REAL_KEY_ID, REAL_SECRET
    )
    with pytest.raises(s3hardening.HardeningFailedError) as caught:
        s3hardening.create(target, s3hardening.BucketSpec("abc"))
    exc = caught.value
    assert "step 'public-access-block'" in str(exc) and "rolled back" in str(exc)
    raised = f"{exc} {exc!r} {exc.__cause__!r} {exc.__context__!r}"
    for value in (REAL_SECRET, quote(REAL_SECRET, safe=""), REAL_KEY_ID):
        assert value not in raised


@pytest.mark.parametrize("command", ["audit", "bootstrap"])
def test_credentials_from_a_profile_are_redacted_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, command: str
) -> None:
    """Keys from AWS_PROFILE and the shared credentials file, not the environment: the endpoint's
    answer quoting them still reaches no output."""
    credentials = tmp_path / "credentials"
    credentials.write_text(
        f"[sovereign]\naws_access_key_id = {REAL_KEY_ID}\naws_secret_access_key = {REAL_SECRET}\n"
    )
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "absent-config"))
    monkeypatch.setenv("AWS_PROFILE", "sovereign")
    failure = ClientError({"Error": {"Code": "SlowDown", "Message": _echo()}}, "HeadBucket")
    monkeypatch.setattr(s3hardening.Target, "client", lambda self: _EchoingClient(failure))

    code, out, err = _cli(command, "--endpoint-url", "http://127.0.0.1:9", "--bucket", "abc")

    assert code == 1 and "SlowDown" in out + err
    for value in (REAL_SECRET, quote(REAL_SECRET, safe=""), REAL_KEY_ID):
        assert value not in out and value not in err
