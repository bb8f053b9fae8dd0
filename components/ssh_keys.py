"""OpenSSH public-key checks (ANSSI DAT-NT-007 R7 to R10, cryptographic mechanisms guide)."""

from __future__ import annotations

import base64
import binascii
import struct

# Ed25519 and ECDSA are preferred (R9/R10); RSA is accepted from 3072 bits, stricter than the
# ANSSI minimum of 2048 until 2030: this project's choice, since the keys outlive 2030. DSA (R7)
# and anything else are refused.
ALLOWED_TYPES = (
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "ssh-rsa",
)
MIN_RSA_BITS = 3072


def _read_string(blob: bytes, offset: int) -> tuple[bytes, int]:
    (length,) = struct.unpack(">I", blob[offset : offset + 4])
    start = offset + 4
    if start + length > len(blob):
        raise ValueError("truncated key blob")
    return blob[start : start + length], start + length


# Bytes of the public point: Ed25519 keys are 32 bytes; ECDSA points are uncompressed (0x04, x, y).
_ED25519_BYTES = 32
_ECDSA_POINT_BYTES = {"nistp256": 65, "nistp384": 97, "nistp521": 133}


def public_key_problem(line: str) -> str | None:
    """Why this authorized_keys line is refused, or None when it is acceptable."""
    parts = line.strip().split()
    if len(parts) < 2:
        return "an OpenSSH public key line: '<type> <base64> [comment]'"
    key_type, encoded = parts[0], parts[1]
    if key_type not in ALLOWED_TYPES:
        return f"a key of type {', '.join(ALLOWED_TYPES)} (ANSSI DAT-NT-007 R7-R10)"
    try:
        blob = base64.b64decode(encoded, validate=True)
        inner_type, offset = _read_string(blob, 0)
        if inner_type.decode() != key_type:
            return "a key whose base64 body matches its declared type"
        problem, offset = _body_problem(key_type, blob, offset)
        if problem:
            return problem
        if offset != len(blob):
            raise ValueError("trailing bytes")
    except (binascii.Error, ValueError, struct.error, UnicodeDecodeError):
        return "a well-formed OpenSSH public key (its base64 body does not decode)"
    return None


def _body_problem(key_type: str, blob: bytes, offset: int) -> tuple[str | None, int]:
    # Every field of the key is read, so a line cut short anywhere is refused, not only one whose
    # base64 no longer decodes.
    if key_type == "ssh-rsa":
        _exponent, offset = _read_string(blob, offset)
        modulus, offset = _read_string(blob, offset)
        bits = int.from_bytes(modulus, "big").bit_length()
        if bits < MIN_RSA_BITS:
            return f"an RSA key of at least {MIN_RSA_BITS} bits (this one has {bits}; project choice)", offset
        return None, offset
    if key_type == "ssh-ed25519":
        point, offset = _read_string(blob, offset)
        if len(point) != _ED25519_BYTES:
            raise ValueError("truncated ed25519 key")
        return None, offset
    curve = key_type.rsplit("-", 1)[-1]
    named, offset = _read_string(blob, offset)
    point, offset = _read_string(blob, offset)
    if named.decode() != curve or len(point) != _ECDSA_POINT_BYTES[curve] or point[0] != 4:
        raise ValueError("malformed ecdsa key")
    return None, offset
