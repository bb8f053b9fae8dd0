"""The fixture itself: a real gateway over TLS with our CA, and its user can write and read."""
from __future__ import annotations

import subprocess
import uuid

from components.catalogue import load_catalogue


def test_gateway_serves_s3_over_https(s3) -> None:
    bucket = f"smoke-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"hello")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"hello"


def test_the_catalogue_records_capabilities_of_this_gateway_version(rgw) -> None:
    """The catalogue's S3 capabilities name the gateway version this suite observes; a CI image
    with another Ceph version fails here until the suite has been re-run and the catalogue updated."""
    version = subprocess.run(["radosgw", "--version"], capture_output=True, text=True,
                             timeout=30, check=True).stdout.split()[2]
    for offer in load_catalogue().offers.values():
        if offer.s3 is not None:
            assert {c.verified_against for c in offer.s3.capabilities.values()} == {
                f"ceph-rgw {version}"}, offer.key
