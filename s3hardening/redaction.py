"""Redaction of credential values from any text this package or its callers print.

Only whole values are replaced, and only values long enough to be a real S3 credential: AWS access
key ids have 16 to 128 characters and secret keys 40; Ceph RGW keys 20 and 40; Keystone EC2
credentials 32. A shorter value (`test`, `minioadmin`) is no secret, and replacing it would cut
common words out of the tool's own sentences ("a loopback test one"). A long value is replaced
wherever it appears, also inside a longer token and percent-encoded (as in a canonical request),
since there it is still the secret.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

MIN_SECRET_LENGTH = 16
MARK = "<redacted>"


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """The text with every credential value of at least MIN_SECRET_LENGTH characters replaced."""
    values = {v for v in secrets if v and len(v) >= MIN_SECRET_LENGTH}
    # Longest first: a value that contains another one is replaced whole, never in pieces.
    for value in sorted(values, key=len, reverse=True):
        for form in dict.fromkeys((value, quote(value, safe=""))):
            text = text.replace(form, MARK)
    return text
