"""The bastion's generated configuration, read back by the tools that read it in production.

cloud-init validates the user data against its own schema; sshd (`sshd -T`) parses the drop-in
under Debian's own sshd_config and prints the settings it will use, so a misspelt option, a value
sshd rejects, or a setting Debian's defaults would override fails here.
"""

from __future__ import annotations

import ipaddress
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.bastion_sshd import DROP_IN_PATH, JumpTarget, bastion_user_data, sshd_drop_in
from tests.support import record, stack_copy, wire
from tests.tools import tool

DEBIAN_SSHD_CONFIG = Path("/etc/ssh/sshd_config")
TARGETS = (
    JumpTarget(ipaddress.IPv4Address("10.10.1.10"), 22),
    JumpTarget(ipaddress.IPv4Address("10.10.2.10"), 5432),
)


def effective_sshd(drop_in: str, tmp_path: Path) -> dict[str, str]:
    """`sshd -T` over Debian's sshd_config with its Include pointed at the rendered drop-in."""
    sshd = tool("sshd", "openssh-server")
    keygen = tool("ssh-keygen", "openssh-client")
    conf_d = tmp_path / "sshd_config.d"
    conf_d.mkdir()
    (conf_d / Path(DROP_IN_PATH).name).write_text(drop_in)
    main = (
        DEBIAN_SSHD_CONFIG.read_text()
        if DEBIAN_SSHD_CONFIG.exists()
        else "Include /etc/ssh/sshd_config.d/*.conf\n"
    )
    assert "Include /etc/ssh/sshd_config.d/*.conf" in main
    (tmp_path / "sshd_config").write_text(main.replace("/etc/ssh/sshd_config.d/", f"{conf_d}/"))
    subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / "host")], check=True)
    proc = subprocess.run(
        [sshd, "-T", "-f", str(tmp_path / "sshd_config"), "-o", f"HostKey={tmp_path / 'host'}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    settings: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        name, _, value = line.partition(" ")
        settings.setdefault(name, value)
    return settings


def cloud_init_schema(user_data: str, tmp_path: Path) -> None:
    cloud_init = tool("cloud-init", "cloud-init")
    path = tmp_path / "user-data"
    path.write_text(user_data)
    proc = subprocess.run(
        [cloud_init, "schema", "-c", str(path)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Valid cloud-config" in proc.stdout


def bastion_user_data_of(stack: str) -> tuple[str, dict[str, Any]]:
    regs = record(stack_copy(stack), stack=stack)
    (vm,) = [r for r in regs if r.type == "openstack:compute/instance:Instance" and "bastion" in r.name]
    text = wire(vm)["userData"]
    return text, yaml.safe_load(text)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_shipped_bastion_user_data_is_valid_cloud_config_and_sshd_applies_it(
    stack: str, tmp_path: Path
) -> None:
    text, data = bastion_user_data_of(stack)
    cloud_init_schema(text, tmp_path)
    (drop_in,) = [f for f in data["write_files"] if f["path"] == DROP_IN_PATH]
    assert drop_in["permissions"] == "0600"
    sshd = effective_sshd(drop_in["content"], tmp_path)
    expected_targets = " ".join(sorted(stack_copy(stack)["bastion"]["permitOpen"]))
    assert sshd["permitopen"] == expected_targets
    assert sshd["allowtcpforwarding"] == "local"
    assert sshd["loglevel"] == "VERBOSE"
    assert sshd["passwordauthentication"] == "no"
    assert sshd["permitrootlogin"] == "no"
    assert sshd["authenticationmethods"] == "publickey"
    # Debian's sshd_config says `X11Forwarding yes`: the drop-in must be read first to win.
    for name in (
        "x11forwarding",
        "allowagentforwarding",
        "permittunnel",
        "gatewayports",
        "allowstreamlocalforwarding",
    ):
        assert sshd[name] == "no", name
    assert sshd["permitlisten"] == "none"
    assert sshd["kexalgorithms"] == "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256"
    assert not re.search(r"cbc|sha1|md5", sshd["ciphers"] + sshd["macs"])


def test_without_targets_nothing_is_forwarded(tmp_path: Path) -> None:
    sshd = effective_sshd(sshd_drop_in(()), tmp_path)
    assert sshd["allowtcpforwarding"] == "no"
    assert sshd["permitopen"] == "none"


def test_targets_are_listed_once_in_order(tmp_path: Path) -> None:
    sshd = effective_sshd(sshd_drop_in((*reversed(TARGETS), TARGETS[0])), tmp_path)
    assert sshd["permitopen"] == "10.10.1.10:22 10.10.2.10:5432"


def test_second_factor_asks_for_a_code_after_the_key(tmp_path: Path) -> None:
    text = bastion_user_data(
        TARGETS,
        "totp",
        ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMQE+u0qcuvy8sN+CBdO2ffNvs3lQlQOfDWskTtmz4jV second"],
    )
    cloud_init_schema(text, tmp_path)
    data = yaml.safe_load(text)
    assert data["packages"] == ["libpam-google-authenticator"]
    assert any("pam_google_authenticator.so" in " ".join(cmd) for cmd in data["runcmd"])
    assert data["ssh_authorized_keys"][0].endswith(" second")
    sshd = effective_sshd(data["write_files"][0]["content"], tmp_path)
    assert sshd["authenticationmethods"] == "publickey,keyboard-interactive"
    assert sshd["kbdinteractiveauthentication"] == "yes"
    assert sshd["usepam"] == "yes"


def test_sshd_is_reloaded_only_after_it_accepts_the_drop_in() -> None:
    data = yaml.safe_load(bastion_user_data(TARGETS, "none", []))
    assert data["runcmd"][-1] == ["sh", "-c", "mkdir -p /run/sshd && sshd -t && systemctl reload ssh"]
