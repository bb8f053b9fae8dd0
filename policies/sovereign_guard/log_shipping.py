"""Instances ship their logs to a central collector over TLS (SecNumCloud 3.2 12.7.c, HDS EXI 15/16).

The pack reads an instance's `userData` (a cloud-config or a script, plain or base64) and
recognises a log-shipping configuration it can verify:
- an rsyslog sender: an `omfwd` action with a TLS stream driver (`StreamDriverMode="1"`, gtls or
  ossl), or the legacy `$ActionSendStreamDriverMode 1` with an `@@` forward;
- an rsyslog collector: an `imtcp` input whose stream driver mode is TLS.
Anything else (no user data, a forward in clear, an agent the pack cannot read) is a violation:
the pack cannot tell that the logs leave the instance encrypted. The level is advisory by default;
a production stack's policy config makes it mandatory (components/policy_config.py derives it).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

import yaml
from pulumi_policy import EnforcementLevel, Severity

from .framework import Context, Meta, resource_policy
from .values import get_str

INSTANCE = "openstack:compute/instance:Instance"

_TLS_MODE = re.compile(r'StreamDriver\.?Mode\s*=\s*"1"', re.IGNORECASE)
_TLS_DRIVER = re.compile(r'StreamDriver(\.Name)?\s*=\s*"(gtls|ossl)"', re.IGNORECASE)
_OMFWD = re.compile(r'type\s*=\s*"omfwd"', re.IGNORECASE)
_IMTCP = re.compile(r'load\s*=\s*"imtcp"', re.IGNORECASE)
_LEGACY_TLS = re.compile(r"^\s*\$ActionSendStreamDriverMode\s+1\s*$", re.MULTILINE)
_LEGACY_FWD = re.compile(r"^\s*[^#\s]\S*\s+@@", re.MULTILINE)
_PLAIN_FWD = re.compile(r'(protocol\s*=\s*"udp")|(^\s*[^#\s]\S*\s+@[^@])', re.IGNORECASE | re.MULTILINE)
# A sender (omfwd action) that accepts any peer (`anon`) ships over TLS to whoever answers: not to
# the central collector. (A collector's imtcp input may take senders without client certificates.)
_ANON_SENDER = re.compile(r'type\s*=\s*"omfwd"[^)]*StreamDriver\.?AuthMode\s*=\s*"anon"', re.IGNORECASE)
_COMMENT = re.compile(r"^\s*#.*$", re.MULTILINE)


def _text(user_data: str) -> str:
    """The configuration text: a cloud-config's files joined, a script as it is, base64 decoded."""
    text = user_data
    if not text.lstrip().startswith(("#", "Content-Type")):
        try:
            text = base64.b64decode(user_data, validate=True).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            return user_data
    if text.startswith("#cloud-config"):
        try:
            config = yaml.safe_load(text)
        except yaml.YAMLError:
            return text
        files = config.get("write_files") if isinstance(config, dict) else None
        if isinstance(files, list):
            return "\n".join(str(f.get("content", "")) for f in files if isinstance(f, dict))
    return text


def _config_text(user_data: str) -> str:
    """The configuration without its comment lines: a commented-out action configures nothing."""
    return _COMMENT.sub("", _text(user_data))


def shipping_kind(user_data: str) -> str | None:
    """'sender' or 'collector' when the user data configures TLS log shipping the pack recognises."""
    return _kind(_config_text(user_data))


def _kind(text: str) -> str | None:
    tls = bool(_TLS_MODE.search(text) and _TLS_DRIVER.search(text))
    if tls and _OMFWD.search(text):
        return "sender"
    if _LEGACY_TLS.search(text) and _LEGACY_FWD.search(text):
        return "sender"
    if tls and _IMTCP.search(text):
        return "collector"
    return None


def _log_shipping(ctx: Context) -> Iterator[str]:
    user_data = get_str(ctx.args.props, "userData")
    if not user_data:
        yield "instance without user data: nothing configures its logs to leave it (12.7.c)"
        return
    text = _config_text(user_data)
    # Judged whatever else the text holds: one clear or unauthenticated forward is enough to leak.
    if _PLAIN_FWD.search(text):
        yield "the instance forwards its logs in clear (UDP or plain TCP): ship them over TLS"
        return
    if _ANON_SENDER.search(text):
        yield 'the TLS forward accepts any peer (StreamDriverAuthMode="anon"): check the collector\'s name'
        return
    if _kind(text) is not None:
        return
    yield (
        "no log-shipping configuration the pack recognises (rsyslog omfwd with a TLS stream driver): "
        "its system and authentication logs may never reach the central collector"
    )


LOG_SHIPPING = resource_policy(
    Meta(
        name="data-protection-instance-require-log-shipping",
        description=(
            "An instance's user data ships its system and authentication logs over TLS to a central "
            "collector (rsyslog omfwd with a TLS stream driver), or configures the collector itself."
        ),
        severity=Severity.MEDIUM,
        level=EnforcementLevel.ADVISORY,
        remediation=(
            'Add an rsyslog drop-in forwarding *.* with action(type="omfwd" StreamDriver="gtls" '
            'StreamDriverMode="1" StreamDriverAuthMode="x509/name") to the supervision zone\'s collector '
            "(components/log_shipping.py renders one); production stacks make this policy mandatory."
        ),
        references=("snc-12.7.c", "snc-12.6.c", "hds-exi-15", "hds-exi-16", "snc-13.2.a"),
        types=(INSTANCE,),
    ),
    _log_shipping,
)

POLICIES = (LOG_SHIPPING,)
