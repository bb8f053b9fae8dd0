"""The supervision zone: the collector, the bastion's log shipping, the flows, and the bad input.

The rendered rsyslog configurations are read back by `rsyslogd -N1` (the daemon's own config
check) and the cloud-configs by `cloud-init schema`, the tools that will read them in production.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.log_shipping import (
    CA_PATH,
    COLLECTOR_PATH,
    FORWARD_PATH,
    LogShipping,
    collector_conf,
    forward_conf,
)
from components.policy_config import LOG_SHIPPING_POLICY, derived_facts
from components.stack_config import parse_stack_config
from components.supervision import LOGS_IN, collector_address
from components.supervision_config import SYSLOG_TLS_PORT
from tests.components.test_bastion_sshd import cloud_init_schema
from tests.components.test_config import TODAY, _set, assert_refused
from tests.support import record, stack_copy, wire
from tests.tools import tool

INSTANCE = "openstack:compute/instance:Instance"
REPO = Path(__file__).resolve().parents[2]


def _instances(stack: str) -> dict[str, dict[str, Any]]:
    regs = record(stack_copy(stack), stack=stack)
    return {r.name: wire(r) for r in regs if r.type == INSTANCE}


def _files(user_data: str) -> dict[str, str]:
    return {f["path"]: f["content"] for f in yaml.safe_load(user_data)["write_files"]}


def rsyslog_accepts(conf: str, tmp_path: Path) -> None:
    rsyslogd = tool("rsyslogd", "rsyslog")
    for name in ("ca.pem", "collector.pem", "collector.key"):
        (tmp_path / name).write_text("")
    path = tmp_path / "rsyslog.conf"
    path.write_text(conf.replace("/etc/rsyslog-tls/", f"{tmp_path}/"))
    proc = subprocess.run([rsyslogd, "-N1", "-f", str(path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_instance_ships_its_logs_to_the_collector_over_tls(stack: str, tmp_path: Path) -> None:
    instances = _instances(stack)
    cfg = parse_stack_config(stack_copy(stack), today=TODAY)
    assert cfg.supervision is not None
    collector = collector_address(cfg.network.zones)
    (bastion,) = [p for n, p in instances.items() if "bastion" in n]
    (coll,) = [p for n, p in instances.items() if "collector" in n]
    # The rest are the Kubernetes nodes, whose user data holds the join token (a secret, unknown in
    # preview): test_cluster_nodes_ship_their_logs_as_the_pack_recognises renders it.
    assert {n for n in instances if "-k8s-" not in n} == {"slz-bastion-vm", "slz-collector-vm"}
    files = _files(bastion["userData"])
    forward = files[FORWARD_PATH]
    assert f'target="{collector}" port="{SYSLOG_TLS_PORT}"' in forward
    assert 'StreamDriverMode="1"' in forward and 'StreamDriverAuthMode="x509/name"' in forward
    assert files[CA_PATH].startswith("-----BEGIN CERTIFICATE-----")
    # the bastion's own settings stay (sshd drop-in, reload last)
    assert yaml.safe_load(bastion["userData"])["runcmd"][-1][-1].endswith("systemctl reload ssh")
    cloud_init_schema(bastion["userData"], tmp_path)
    rsyslog_accepts(forward, tmp_path)
    assert "role:log-collector" in coll["tags"]
    cfiles = _files(coll["userData"])
    assert cfiles[COLLECTOR_PATH] == collector_conf()
    settings = cfiles["/etc/sovereign/log-upload.conf"]
    assert f'RETENTION_DAYS="{cfg.supervision.retention_days}"' in settings
    assert "audit-logs" in settings
    cloud_init_schema(coll["userData"], tmp_path)
    rsyslog_accepts(collector_conf(), tmp_path)


def test_the_upload_script_locks_and_encrypts_every_object() -> None:
    cfiles = _files(_instances("dev")[next(n for n in _instances("dev") if "collector" in n)]["userData"])
    script = cfiles["/usr/local/sbin/sovereign-log-upload"]
    assert "--object-lock-mode COMPLIANCE" in script
    assert "--sse-customer-algorithm AES256" in script
    # the credentials and the SSE-C key are never in user data
    assert "AWS_SECRET_ACCESS_KEY=" not in script and "/etc/sovereign/log-upload.secrets" in script


def test_a_typo_in_a_directive_is_caught_by_rsyslog(tmp_path: Path) -> None:
    bad = forward_conf(LogShipping("10.0.4.2", "c.example", "x")).replace(
        "StreamDriverMode", "StreamDriverMoed"
    )
    with pytest.raises(AssertionError):
        rsyslog_accepts(bad, tmp_path)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_flows_to_the_collector_are_in_the_matrix_with_their_justification(stack: str) -> None:
    regs = record(stack_copy(stack), stack=stack)
    rules = [wire(r) for r in regs if r.type == "openstack:networking/secGroupRule:SecGroupRule"]
    to_collector = [r for r in rules if r.get("portRangeMin") == SYSLOG_TLS_PORT]
    # one ingress rule on the supervision group and one egress rule per sending zone: every zone of
    # the stack but supervision (the cluster zone's nodes included)
    senders = set(parse_stack_config(stack_copy(stack), today=TODAY).network.zones) - {"supervision"}
    assert "cluster" in senders
    assert len(to_collector) == 2 * len(senders)
    assert all(r["description"] == LOGS_IN for r in to_collector)


def test_prod_makes_the_log_shipping_policy_mandatory_and_dev_keeps_it_advisory() -> None:
    prod = derived_facts(parse_stack_config(stack_copy("prod"), today=TODAY))
    dev = derived_facts(parse_stack_config(stack_copy("dev"), today=TODAY))
    assert prod[LOG_SHIPPING_POLICY] == {"enforcementLevel": "mandatory"}
    assert LOG_SHIPPING_POLICY not in dev
    shipped = json.loads((REPO / "stacks" / "prod.policy.json").read_text())
    assert shipped[LOG_SHIPPING_POLICY]["enforcementLevel"] == "mandatory"


BAD = [
    (
        "supervision-exposed",
        _set("network.exposedZones", ["dmz", "supervision"]),
        ":network.exposedZones",
        "supervision",
        "zones other than 'supervision'",
    ),
    (
        "short-retention",
        _set("supervision.retentionDays", 90),
        ":supervision.retentionDays",
        "90",
        "at least 180",
    ),
    (
        "not-a-logs-bucket",
        _set("supervision.logsBucket", "health-data"),
        ":supervision.logsBucket",
        "health-data",
        "'logs'",
    ),
    (
        "ca-not-pem",
        _set("supervision.caCertificate", "secret-ish"),
        ":supervision.caCertificate",
        "secret-ish",
        "PEM",
    ),
]


@pytest.mark.parametrize(("mutate", "key", "value", "allowed"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_supervision_input_is_refused_naming_the_key(
    mutate: Any, key: str, value: str, allowed: str
) -> None:
    assert_refused("prod", mutate, key, value, allowed)


def test_without_a_logs_bucket_the_collector_keeps_the_logs_and_uploads_nothing(tmp_path: Path) -> None:
    cfg = stack_copy("dev")
    del cfg["supervision"]["logsBucket"]
    coll = next(p for n, p in _instances_of(cfg).items() if "collector" in n)
    files = _files(coll["userData"])
    assert COLLECTOR_PATH in files and "/usr/local/sbin/sovereign-log-upload" not in files
    cloud_init_schema(coll["userData"], tmp_path)


def _instances_of(cfg: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r.name: wire(r) for r in record(cfg, stack="dev") if r.type == INSTANCE}


@pytest.mark.parametrize("role", ["server", "agent"])
def test_cluster_nodes_ship_their_logs_as_the_pack_recognises(role: str, tmp_path: Path) -> None:
    """The nodes' user data is unknown in preview (it holds the join token), so the pack cannot read
    it there; rendered as `pulumi up` renders it, it forwards every log over TLS, recognised by the
    pack's own reader, and cloud-init accepts it."""
    import sys

    from components.kubernetes.rke2 import NodeSettings
    from components.kubernetes.self_managed import _node_user_data

    sys.path.insert(0, str(REPO / "policies"))
    from sovereign_guard.log_shipping import shipping_kind

    shipping = LogShipping("10.20.5.10", "collector.example.invalid", "CA")
    settings = NodeSettings(role=role, version="v1.30.6+rke2r1", api_address="10.20.4.5")  # type: ignore[arg-type]
    user_data = _node_user_data(settings, shipping, "join-token-" + "x" * 40)

    assert shipping_kind(user_data) == "sender"
    config = yaml.safe_load(user_data)
    assert FORWARD_PATH in {f["path"] for f in config["write_files"]}
    cloud_init_schema(user_data, tmp_path)
    assert shipping_kind(_node_user_data(settings, None, "t" * 40)) is None


def test_the_collector_is_protected_and_never_replaced_for_its_user_data() -> None:
    """Logs not yet uploaded live on the collector's boot disk (one day at most)."""
    regs = record(stack_copy("prod"), stack="prod")
    (collector,) = [r for r in regs if r.type == INSTANCE and r.name == "slz-collector-vm"]
    assert collector.options["protect"] is True
    assert "userData" in collector.options["ignoreChanges"]
