"""The bastion's sshd configuration and cloud-init user data, rendered from validated config.

The bastion is the only administration path (ANSSI PA-022 R15): administrators jump through it
(`ssh -J`) to the hosts of the zones, and nowhere else. OpenSSH's `PermitOpen` takes addresses, not
networks, so the stack lists each target host and port (`bastion.permitOpen`); everything else
sshd could forward (remote forwarding, agent, X11, tunnels, Unix sockets) stays off.

The text is read back by the tools that will read it in production: `sshd -T` and
`cloud-init schema` (tests/components/test_bastion_sshd.py).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import yaml

DROP_IN_PATH = "/etc/ssh/sshd_config.d/10-sovereign-bastion.conf"
SecondFactor = Literal["none", "totp"]

# Modern algorithms only (ANSSI DAT-NT-007 R8-R12): no SHA-1, no CBC, no non-ETM MAC.
_ALGORITHMS = (
    ("KexAlgorithms", "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256"),
    ("Ciphers", "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com"),
    ("MACs", "hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com"),
)


@dataclass(frozen=True, order=True)
class JumpTarget:
    """One host and port the administrators may reach through the bastion."""

    address: ipaddress.IPv4Address
    port: int

    def __str__(self) -> str:
        return f"{self.address}:{self.port}"


def sshd_drop_in(targets: Sequence[JumpTarget], second_factor: SecondFactor = "none") -> str:
    """The sshd_config.d drop-in. sshd keeps the first value it reads, and Debian's and Ubuntu's
    sshd_config include the drop-ins on their first line, so these settings win over the image's."""
    lines = [
        "# Rendered by sovereign-landing-zone (components/bastion_sshd.py); changes are overwritten.",
        "# Every session and key fingerprint in the auth log (ANSSI PA-022 R36, SecNumCloud 3.2 12.6).",
        "LogLevel VERBOSE",
        "# Keys only, never a password, never root (DAT-NT-007 R17, R21).",
        "PermitRootLogin no",
        "PasswordAuthentication no",
        "PubkeyAuthentication yes",
    ]
    if second_factor == "totp":
        lines += [
            "# A key, then a one-time code from PAM (PA-022 R36: a second factor for administrators).",
            "AuthenticationMethods publickey,keyboard-interactive",
            "KbdInteractiveAuthentication yes",
            "UsePAM yes",
        ]
    else:
        lines += ["AuthenticationMethods publickey", "KbdInteractiveAuthentication no"]
    lines += ["MaxAuthTries 3", "LoginGraceTime 30", "ClientAliveInterval 300", "ClientAliveCountMax 2"]
    if targets:
        # `ssh -J` opens a direct-tcpip channel: local forwarding, to the listed hosts only (R27).
        lines += [
            "# ProxyJump to the listed hosts of the zones only (PA-022 R15, DAT-NT-007 R27).",
            "AllowTcpForwarding local",
            "PermitOpen " + " ".join(str(t) for t in sorted(set(targets))),
        ]
    else:
        lines += ["AllowTcpForwarding no", "PermitOpen none"]
    lines += [
        "# Nothing else is forwarded (DAT-NT-007 R27, R28).",
        "PermitListen none",
        "GatewayPorts no",
        "AllowStreamLocalForwarding no",
        "AllowAgentForwarding no",
        "X11Forwarding no",
        "PermitTunnel no",
    ]
    lines += [f"{name} {value}" for name, value in _ALGORITHMS]
    return "\n".join(lines) + "\n"


# With the second factor, PAM asks for the one-time code only: sshd has already checked the key,
# and Debian's common-auth would ask for a password the administrators do not have.
_PAM_TOTP = "sed -i 's/^@include common-auth$/auth required pam_google_authenticator.so/' /etc/pam.d/sshd"


def bastion_user_data(
    targets: Sequence[JumpTarget], second_factor: SecondFactor, extra_keys: Sequence[str]
) -> str:
    """The cloud-config that installs the drop-in and reloads sshd once `sshd -t` accepts it."""
    config: dict[str, object] = {
        "write_files": [
            {"path": DROP_IN_PATH, "permissions": "0600", "content": sshd_drop_in(targets, second_factor)}
        ]
    }
    runcmd: list[object] = []
    if second_factor == "totp":
        config["packages"] = ["libpam-google-authenticator"]
        runcmd.append(["sh", "-c", _PAM_TOTP])
    # A drop-in sshd refuses must not take the running daemon down: test it, then reload.
    runcmd.append(["sh", "-c", "mkdir -p /run/sshd && sshd -t && systemctl reload ssh"])
    config["runcmd"] = runcmd
    if extra_keys:
        config["ssh_authorized_keys"] = [k.strip() for k in extra_keys]
    return "#cloud-config\n" + yaml.safe_dump(config, sort_keys=False, width=1000)
