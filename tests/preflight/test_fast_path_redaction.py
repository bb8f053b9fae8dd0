"""The redactor's quick "no secret here" answer never changes what it scrubs: compared with the
plain longest-first replacement over random secrets and texts."""

from __future__ import annotations

import random

import pytest

from preflight import redaction
from preflight.redaction import REDACTED, SecretRedactor


def _plain(values: set[str], text: str) -> str:
    for value in sorted(values, key=len, reverse=True):
        if value in text:
            text = text.replace(value, REDACTED)
    return text


@pytest.mark.parametrize(
    ("alphabet", "shortest"),
    # Few distinct heads (the regex scan), then more than _FEW_HEADS of them (the window hashes).
    [("ab3-s:", 1), ("abcdefghij0123456789-:", 4)],
)
def test_scrub_matches_the_plain_replacement(alphabet: str, shortest: int) -> None:
    rng = random.Random(16)
    redactor = SecretRedactor()
    for _ in range(600):
        if rng.random() < 0.3:
            # Secrets arrive between scrubs too (one stack after another).
            redactor.values.add("".join(rng.choices(alphabet, k=rng.randint(shortest, 9))))
        text = "".join(rng.choices(alphabet + "[]", k=rng.randint(0, 40)))
        assert redactor.scrub(text) == _plain(redactor.values, text), (redactor.values, text)
    heads = redactor._matcher()[2]
    assert (len(heads) > redaction._FEW_HEADS) == (shortest == 4)


def test_many_secrets_and_texts_without_them() -> None:
    redactor = SecretRedactor()
    redactor.values.update(f"s3cr3t-t{i:03d}" for i in range(1000))
    assert redactor.scrub("urn:pulumi:bench::bench::openstack:keymanager/secretV1:SecretV1::t1") == (
        "urn:pulumi:bench::bench::openstack:keymanager/secretV1:SecretV1::t1"
    )
    assert redactor.scrub("payload s3cr3t-t042 leaked") == f"payload {REDACTED} leaked"
