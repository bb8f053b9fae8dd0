"""data-protection-instance-require-log-shipping: what the pack recognises as TLS log shipping."""

from __future__ import annotations

import base64

import pytest
from sovereign_guard import log_shipping

from .conftest import run

INSTANCE = log_shipping.INSTANCE
SENDER = (
    "#cloud-config\n"
    "write_files:\n"
    "- path: /etc/rsyslog.d/60-forward.conf\n"
    "  content: |\n"
    '    *.* action(type="omfwd" target="10.0.4.2" port="6514" protocol="tcp"\n'
    '      StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name")\n'
)
COLLECTOR = (
    "#!/bin/sh\ncat > /etc/rsyslog.d/10-in.conf <<'X'\n"
    'module(load="imtcp" StreamDriver.Name="ossl" StreamDriver.Mode="1")\n'
    'input(type="imtcp" port="6514")\nX\n'
)
LEGACY = (
    "#!/bin/sh\ncat > /etc/rsyslog.d/60-fwd.conf <<'X'\n"
    "$DefaultNetstreamDriver gtls\n$ActionSendStreamDriverMode 1\n*.* @@10.0.4.2:6514\nX\n"
)


@pytest.mark.parametrize(
    "user_data",
    [SENDER, COLLECTOR, LEGACY, base64.b64encode(SENDER.encode()).decode()],
    ids=["cloud-config-sender", "script-collector", "legacy-directives", "base64"],
)
def test_recognised_tls_shipping_passes(user_data: str) -> None:
    result = run(log_shipping.LOG_SHIPPING, INSTANCE, {"flavorName": "b3-8", "userData": user_data})
    assert result.ok and result.not_applicable is None, result.violations


@pytest.mark.parametrize(
    ("props", "needle"),
    [
        ({"flavorName": "b3-8"}, "without user data"),
        ({"userData": "#!/bin/sh\ncat > /etc/rsyslog.d/f.conf <<'X'\n*.* @10.0.4.2:514\nX\n"}, "in clear"),
        (
            {
                "userData": SENDER.replace('protocol="tcp"', 'protocol="udp"').replace(
                    'StreamDriverMode="1"', ""
                )
            },
            "in clear",
        ),
        ({"userData": SENDER.replace('StreamDriverMode="1"', 'StreamDriverMode="0"')}, "no log-shipping"),
        ({"userData": "#cloud-config\npackages: [nginx]\n"}, "no log-shipping"),
    ],
    ids=["no-user-data", "udp-legacy", "udp-omfwd", "tls-mode-off", "unrelated"],
)
def test_instances_without_recognisable_tls_shipping_are_flagged(props: dict[str, str], needle: str) -> None:
    result = run(log_shipping.LOG_SHIPPING, INSTANCE, props)
    assert result.violated and needle in result.text(), result.violations


def test_not_applicable_to_other_types() -> None:
    result = run(log_shipping.LOG_SHIPPING, "openstack:blockstorage/volume:Volume", {"size": 10})
    assert result.is_not_applicable


def test_advisory_by_default() -> None:
    assert log_shipping.LOG_SHIPPING.enforcement_level.value == "advisory"


@pytest.mark.parametrize(
    ("user_data", "needle"),
    [
        (SENDER + '    *.* action(type="omfwd" target="10.0.4.2" port="514" protocol="udp")\n', "in clear"),
        (SENDER.replace('StreamDriverAuthMode="x509/name"', 'StreamDriverAuthMode="anon"'), "any peer"),
        (
            SENDER.replace("    *.* action", "    # *.* action").replace(
                "      StreamDriver=", "    # StreamDriver="
            ),
            "no log-shipping configuration",
        ),
    ],
    ids=["tls-beside-a-clear-forward", "tls-to-any-peer", "commented-out"],
)
def test_a_recognised_forward_does_not_hide_an_unsafe_one(user_data: str, needle: str) -> None:
    result = run(log_shipping.LOG_SHIPPING, INSTANCE, {"flavorName": "b3-8", "userData": user_data})
    assert result.violated and needle in result.text(), result.text()


def test_the_landing_zones_own_collector_passes() -> None:
    """Its TLS input takes senders without client certificates (anon), which is not a sender's anon."""
    from components.log_shipping import collector_conf

    user_data = "#cloud-config\nwrite_files:\n- path: /etc/rsyslog.d/10-c.conf\n  content: |\n" + "".join(
        f"    {line}\n" for line in collector_conf().splitlines()
    )
    result = run(log_shipping.LOG_SHIPPING, INSTANCE, {"flavorName": "b3-8", "userData": user_data})
    assert result.ok, result.text()
