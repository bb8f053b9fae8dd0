"""The SSE-C object client, the sampled object audit and gateway-limit names, against moto
in-process. moto neither enforces nor echoes SSE-C on reads, so what the gateway does with the key
is proven in tests/rgw/test_hardening_sse_c.py; here: headers always sent, http refused, a plain
object found by the audit, the sample bounded."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config

from s3hardening.errors import S3SettingError
from s3hardening.limits import GATEWAY_LIMITS, GatewayLimitError, validate_limits
from s3hardening.object_audit import audit_sse_c_objects
from s3hardening.sse_c import CustomerKey, SseCObjects
from tests.object_storage.conftest import INPROCESS_ENDPOINT, INPROCESS_REGION

KEY = CustomerKey(b"k" * 32)


def _client(url: str = INPROCESS_ENDPOINT) -> Any:
    return boto3.client("s3", endpoint_url=url, region_name=INPROCESS_REGION,
                        config=Config(s3={"addressing_style": "path"}))


@pytest.mark.parametrize("material", [b"", b"short", b"k" * 31, b"k" * 33, "k" * 32])
def test_customer_key_must_be_32_bytes_and_is_never_shown(material: Any) -> None:
    with pytest.raises(S3SettingError) as err:
        CustomerKey(material)
    assert "customerKey" in str(err.value) and "kkkk" not in str(err.value)


def test_customer_key_stays_out_of_reprs() -> None:
    assert "kkkk" not in repr(KEY)
    assert "kkkk" not in repr(SseCObjects(_client(), "b-1", KEY))


def test_plain_http_is_refused_before_any_request() -> None:
    with pytest.raises(S3SettingError) as err:
        SseCObjects(_client("http://127.0.0.1:9"), "b-1", KEY)
    assert "endpointUrl" in str(err.value) and "https" in str(err.value)


@pytest.mark.usefixtures("moto_inprocess")
def test_every_call_carries_the_sse_c_headers() -> None:
    client = _client()
    client.create_bucket(Bucket="b-1", CreateBucketConfiguration={"LocationConstraint": INPROCESS_REGION})
    sent: list[dict[str, str]] = []

    def capture(request: Any, **_: Any) -> None:
        sent.append({k.lower(): v for k, v in request.headers.items()})

    client.meta.events.register("before-send.s3.*", capture)
    objects = SseCObjects(client, "b-1", KEY)
    objects.put("r", b"x")
    assert objects.get("r") == b"x"
    objects.head("r")
    assert len(sent) == 3
    for headers in sent:
        assert headers["x-amz-server-side-encryption-customer-algorithm"] in ("AES256", b"AES256")
        assert headers["x-amz-server-side-encryption-customer-key-md5"]


@pytest.mark.usefixtures("moto_inprocess")
def test_the_object_audit_finds_plain_objects_and_says_when_it_sampled() -> None:
    client = _client()
    client.create_bucket(Bucket="b-2", CreateBucketConfiguration={"LocationConstraint": INPROCESS_REGION})
    assert audit_sse_c_objects(client, "b-2") == ([], [])
    for i in range(3):
        client.put_object(Bucket="b-2", Key=f"plain-{i}", Body=b"x")
    gaps, notices = audit_sse_c_objects(client, "b-2", limit=2)
    assert [code for code, _ in gaps] == ["OBJECT_NOT_SSE_C"]
    assert "2 of 2 sampled" in gaps[0][1] and "plain-0" in gaps[0][1]
    assert [code for code, _ in notices] == ["OBJECTS_SAMPLED"]
    assert "first 2 objects" in notices[0][1]


def test_gateway_limits_are_named_and_validated() -> None:
    assert validate_limits(list(GATEWAY_LIMITS)) == frozenset(GATEWAY_LIMITS)
    with pytest.raises(S3SettingError) as err:
        validate_limits(["no-encryption-at-all"])
    assert "acceptedGatewayLimits" in str(err.value) and "no-default-encryption" in str(err.value)
    with pytest.raises(S3SettingError):
        validate_limits("no-default-encryption")  # a bare string is not a list
    message = str(GatewayLimitError("no-default-encryption", step="encryption"))
    assert "acceptedGatewayLimits" in message and "--accept-gateway-limit" in message
