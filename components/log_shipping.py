"""Log shipping as cloud-init: every instance forwards its logs over TLS; the collector stores them.

Senders: rsyslog forwards every facility (system and authentication logs, sshd's VERBOSE session
lines included) to the collector on 6514 (syslog over TLS, RFC 5425), checking the collector's
certificate against the stack's CA and its name (`x509/name`), with a disk-assisted queue so a
collector outage loses nothing. Collector: rsyslog receives over TLS only and writes one file per
host and day; an hourly timer uploads each closed day to the logs bucket with SSE-C and a
COMPLIANCE retention (SecNumCloud 3.2 12.6.c, 12.7.c). The S3 credentials and the bucket's SSE-C
key are customer-held secrets: the administrators install them on the collector through the
bastion (docs/supervision.md), never through user data, which the provider's metadata service keeps.

The pack recognises the sender configuration by the `omfwd` action with a TLS stream driver, and
the collector's by the TLS `imtcp` input (policies/sovereign_guard/log_shipping.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from .supervision_config import SYSLOG_TLS_PORT

CA_PATH = "/etc/rsyslog-tls/ca.pem"
FORWARD_PATH = "/etc/rsyslog.d/60-sovereign-forward.conf"
COLLECTOR_PATH = "/etc/rsyslog.d/10-sovereign-collector.conf"
UPLOAD_SCRIPT = "/usr/local/sbin/sovereign-log-upload"
UPLOAD_SETTINGS = "/etc/sovereign/log-upload.conf"
PACKAGES = ["rsyslog", "rsyslog-gnutls"]
RESTART = ["systemctl", "restart", "rsyslog"]


@dataclass(frozen=True)
class LogShipping:
    """Where an instance sends its logs."""

    collector_address: str
    collector_name: str
    ca_certificate: str


def forward_conf(shipping: LogShipping) -> str:
    """The rsyslog drop-in of a sender."""
    return "\n".join(
        [
            "# Rendered by sovereign-landing-zone (components/log_shipping.py); changes are overwritten.",
            "# Every facility, authpriv included, to the supervision zone's collector over TLS",
            "# (SecNumCloud 3.2 12.7.c); the peer must present the collector's name signed by the CA.",
            f'global(DefaultNetstreamDriverCAFile="{CA_PATH}")',
            '*.* action(type="omfwd" protocol="tcp"',
            f'    target="{shipping.collector_address}" port="{SYSLOG_TLS_PORT}"',
            '    StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name"',
            f'    StreamDriverPermittedPeers="{shipping.collector_name}"',
            '    queue.type="LinkedList" queue.filename="sovereign-forward" queue.saveOnShutdown="on"',
            '    action.resumeRetryCount="-1")',
            "",
        ]
    )


def with_log_shipping(user_data: str, shipping: LogShipping) -> str:
    """`user_data` (a cloud-config) with the sender's files, packages and restart added."""
    if not user_data.startswith("#cloud-config"):
        raise ValueError("log shipping is added to a cloud-config only")
    config: dict[str, Any] = yaml.safe_load(user_data) or {}
    config.setdefault("write_files", [])
    config["write_files"] += [
        {"path": CA_PATH, "permissions": "0644", "content": shipping.ca_certificate.strip() + "\n"},
        {"path": FORWARD_PATH, "permissions": "0644", "content": forward_conf(shipping)},
    ]
    config["packages"] = [
        *config.get("packages", []),
        *(p for p in PACKAGES if p not in config.get("packages", [])),
    ]
    # First, so that the instance's own last step (the bastion's sshd reload) stays last.
    config["runcmd"] = [RESTART, *config.get("runcmd", [])]
    return "#cloud-config\n" + yaml.safe_dump(config, sort_keys=False, width=1000)


def collector_conf() -> str:
    """The collector's rsyslog drop-in: TLS input only, one file per host and day."""
    return "\n".join(
        [
            "# Rendered by sovereign-landing-zone (components/log_shipping.py); changes are overwritten.",
            "# Syslog over TLS only (RFC 5425); the certificate and key are installed by the administrators.",
            'global(DefaultNetstreamDriver="gtls"',
            f'    DefaultNetstreamDriverCAFile="{CA_PATH}"',
            '    DefaultNetstreamDriverCertFile="/etc/rsyslog-tls/collector.pem"',
            '    DefaultNetstreamDriverKeyFile="/etc/rsyslog-tls/collector.key")',
            'module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1"',
            '    StreamDriver.AuthMode="anon")',
            f'input(type="imtcp" port="{SYSLOG_TLS_PORT}" ruleset="remote")',
            'template(name="sovereign-per-host" type="string"',
            '    string="/var/log/remote/%HOSTNAME%/%$YEAR%-%$MONTH%-%$DAY%.log")',
            'ruleset(name="remote") { action(type="omfile" dynaFile="sovereign-per-host") }',
            "# The collector's own system and authentication logs join the same store.",
            '*.* action(type="omfile" dynaFile="sovereign-per-host")',
            "",
        ]
    )


_UPLOAD = """#!/bin/sh
# Rendered by sovereign-landing-zone: upload each closed day of logs to the logs bucket, SSE-C
# encrypted with the customer-held key, locked in COMPLIANCE mode for RETENTION_DAYS.
set -eu
. {settings}
# Installed by the administrators through the bastion (docs/supervision.md), never user data:
# AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, and the 32-byte SSE-C key in $SSE_C_KEY_FILE.
. /etc/sovereign/log-upload.secrets
today=$(date -u +%Y-%m-%d)
until=$(date -u -d "+$RETENTION_DAYS days" +%Y-%m-%dT%H:%M:%SZ)
find /var/log/remote -name '*.log' ! -name "$today.log" | while read -r f; do
  host=$(basename "$(dirname "$f")")
  aws --endpoint-url "$S3_ENDPOINT" s3api put-object --bucket "$BUCKET" \\
    --key "$host/$(basename "$f")" --body "$f" \\
    --sse-customer-algorithm AES256 --sse-customer-key "fileb://$SSE_C_KEY_FILE" \\
    --object-lock-mode COMPLIANCE --object-lock-retain-until-date "$until" >/dev/null \\
    && mv "$f" "$f.uploaded"
done
find /var/log/remote -name '*.uploaded' -mtime +7 -delete
"""


def collector_user_data(
    bucket: str | None,
    endpoint: str | None,
    retention_days: int,
    ca_certificate: str,
    ssh_keys: tuple[str, ...] = (),
) -> str:
    """The collector's cloud-config: rsyslog TLS receiver, the upload script and its hourly timer."""
    files: list[dict[str, str]] = [
        {"path": CA_PATH, "permissions": "0644", "content": ca_certificate.strip() + "\n"},
        {"path": COLLECTOR_PATH, "permissions": "0644", "content": collector_conf()},
    ]
    packages = list(PACKAGES)
    if bucket:
        # Without a bucket (an offer with no S3 API) the logs stay on the encrypted volume.
        settings = f'BUCKET="{bucket}"\nS3_ENDPOINT="{endpoint or ""}"\nRETENTION_DAYS="{retention_days}"\n'
        packages.append("awscli")
        files += [
            {"path": UPLOAD_SETTINGS, "permissions": "0644", "content": settings},
            {
                "path": UPLOAD_SCRIPT,
                "permissions": "0750",
                "content": _UPLOAD.format(settings=UPLOAD_SETTINGS),
            },
            {
                "path": "/etc/cron.d/sovereign-log-upload",
                "permissions": "0644",
                "content": f"17 * * * * root {UPLOAD_SCRIPT}\n",
            },
        ]
    config: dict[str, Any] = {"packages": packages, "write_files": files, "runcmd": [RESTART]}
    if ssh_keys:
        config["ssh_authorized_keys"] = [k.strip() for k in ssh_keys]
    return "#cloud-config\n" + yaml.safe_dump(config, sort_keys=False, width=1000)
