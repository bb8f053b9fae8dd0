"""SovereignCluster on the wire: secret user data, the API listener, volumes, flows and custody."""

from __future__ import annotations

import contextvars
import ipaddress
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from components.config import CLUSTER_KUBECONFIG, key
from components.kms import key_custody_rows
from components.kubernetes.rke2 import NodeSettings, node_user_data
from components.landing_zone import LandingZone, plan_landing_zone
from components.stack_config import parse_stack_config
from preflight.wire import SECRET_SIG_KEY
from tests.components.test_bastion_sshd import cloud_init_schema
from tests.components.test_config import TODAY
from tests.support import PROJECT, EchoMocks, WireMonitor, stack_copy

JOIN_TOKEN = "JoinTokenForTestsOnly0123456789abcdefghijklmnopq"
KUBECONFIG = (
    "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://10.20.4.5:6443'}}]\n"
)
INSTANCE = "openstack:compute/instance:Instance"
LISTENER = "openstack:loadbalancer/listener:Listener"


class ClusterMocks(EchoMocks):
    """Echo mocks that also give what the cluster reads back: the token, port addresses, kubeconfig."""

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        rid, outputs = super().new_resource(args)
        if args.typ == "random:index/randomPassword:RandomPassword":
            outputs["result"] = JOIN_TOKEN
        elif args.typ == "openstack:networking/port:Port":
            outputs["allFixedIps"] = [f"10.0.0.{len(args.name) % 200 + 10}"]
        elif args.typ == "openstack:containerinfra/cluster:Cluster":
            outputs["kubeconfig"] = {"raw_config": KUBECONFIG, "host": "https://10.30.4.5:6443"}
        return rid, outputs


def build(raw: dict[str, Any], *, kubeconfig: str | None = None) -> WireMonitor:
    """The whole LandingZone of a stack config, under a monitor that keeps every wire request."""
    monitor = WireMonitor(ClusterMocks())
    plan = plan_landing_zone(parse_stack_config(raw, today=TODAY))

    def body() -> None:
        pulumi.runtime.set_mocks(monitor.mocks, project=PROJECT, stack="test", monitor=monitor, preview=False)
        if kubeconfig is not None:
            pulumi.runtime.set_all_config({key(CLUSTER_KUBECONFIG): kubeconfig}, [key(CLUSTER_KUBECONFIG)])

        def program() -> None:
            LandingZone("slz", plan)

        _sync_await(run_pulumi_func(program))

    contextvars.copy_context().run(body)
    return monitor


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and SECRET_SIG_KEY in value


def unwrap(value: Any) -> Any:
    return value["value"] if is_secret(value) else value


@pytest.fixture(scope="module")
def prod() -> WireMonitor:
    return build(stack_copy("prod"), kubeconfig=KUBECONFIG)


@pytest.fixture(scope="module")
def dev() -> WireMonitor:
    return build(stack_copy("dev"))


def _nodes(monitor: WireMonitor) -> list[dict[str, Any]]:
    return [r for r in monitor.of_type(INSTANCE) if "-k8s-" in r["name"]]


def test_prod_is_highly_available_in_anti_affinity_groups(prod: WireMonitor) -> None:
    nodes = _nodes(prod)
    assert sorted(n["name"] for n in nodes) == [
        f"slz-k8s-{r}-{i}" for r in ("cp", "worker") for i in range(3)
    ]
    groups = {g["name"]: g["object"] for g in prod.of_type("openstack:compute/serverGroup:ServerGroup")}
    assert {g["policies"] for g in groups.values()} == {"anti-affinity"}
    ids = {f"{name}-id" for name in groups}
    for node in nodes:
        (hint,) = node["object"]["schedulerHints"]
        assert hint["group"] in ids


def test_dev_has_one_control_plane_node(dev: WireMonitor) -> None:
    assert sorted(n["name"] for n in _nodes(dev)) == ["slz-k8s-cp-0", "slz-k8s-worker-0"]


def test_user_data_is_a_secret_and_the_token_only_inside_it(prod: WireMonitor) -> None:
    for node in _nodes(prod):
        user_data = node["object"]["userData"]
        assert is_secret(user_data), node["name"]
        assert JOIN_TOKEN in user_data["value"]
        outside = {k: v for k, v in node["object"].items() if k != "userData"}
        assert JOIN_TOKEN not in repr(outside)
    (token,) = prod.of_type("random:index/randomPassword:RandomPassword")
    assert "result" in token["additionalSecretOutputs"]
    assert token.get("protect") is True


def _cloud_config(node: dict[str, Any]) -> dict[str, Any]:
    text = unwrap(node["object"]["userData"])
    assert text.startswith("#cloud-config\n")
    return yaml.safe_load(text)


def _files(doc: dict[str, Any]) -> dict[str, str]:
    return {f["path"]: f["content"] for f in doc["write_files"]}


def test_rke2_runs_the_cis_profile_with_what_it_needs_on_the_host(prod: WireMonitor) -> None:
    for node in _nodes(prod):
        doc = _cloud_config(node)
        files = _files(doc)
        config = yaml.safe_load(files["/etc/rancher/rke2/config.yaml"])
        assert config["profile"] == "cis"
        assert config["token-file"] == "/etc/rancher/rke2/join-token"
        assert files["/etc/rancher/rke2/join-token"].strip() == JOIN_TOKEN
        sysctl = files["/etc/sysctl.d/60-rke2-cis.conf"]
        for line in (
            "vm.panic_on_oom=0",
            "vm.overcommit_memory=1",
            "kernel.panic=10",
            "kernel.panic_on_oops=1",
        ):
            assert line in sysctl.splitlines()
        assert ["useradd", "-r", "-c", "etcd user", "-s", "/sbin/nologin", "-M", "etcd", "-U"] in doc[
            "runcmd"
        ]
        assert all(f["permissions"] in ("0600", "0644") for f in doc["write_files"])
        assert next(f for f in doc["write_files"] if "join-token" in f["path"])["permissions"] == "0600"


def test_servers_log_audit_events_for_the_logs_bucket_retention(prod: WireMonitor) -> None:
    cp0 = next(n for n in _nodes(prod) if n["name"] == "slz-k8s-cp-0")
    files = _files(_cloud_config(cp0))
    config = yaml.safe_load(files["/etc/rancher/rke2/config.yaml"])
    # prod's audit-logs bucket keeps objects 365 days (objectLockDays).
    assert "audit-log-maxage=365" in config["kube-apiserver-arg"]
    policy = yaml.safe_load(files[config["audit-policy-file"]])
    assert policy["kind"] == "Policy"
    levels = [rule["level"] for rule in policy["rules"]]
    assert levels[-1] == "Metadata" and "RequestResponse" in levels
    secrets_rule = next(
        r for r in policy["rules"] if any("secrets" in g.get("resources", []) for g in r.get("resources", []))
    )
    assert secrets_rule["level"] == "Metadata"
    assert "server" not in config  # the first server initialises etcd
    cp1 = next(n for n in _nodes(prod) if n["name"] == "slz-k8s-cp-1")
    assert yaml.safe_load(_files(_cloud_config(cp1))["/etc/rancher/rke2/config.yaml"])["server"] == (
        "https://10.20.4.5:9345"
    )


def test_prod_secrets_are_encrypted_through_the_organisations_kms(prod: WireMonitor) -> None:
    cp0 = next(n for n in _nodes(prod) if n["name"] == "slz-k8s-cp-0")
    files = _files(_cloud_config(cp0))
    config = yaml.safe_load(files["/etc/rancher/rke2/config.yaml"])
    assert "encryption-provider-config=/etc/rancher/rke2/encryption-kms.yaml" in config["kube-apiserver-arg"]
    enc = yaml.safe_load(files["/etc/rancher/rke2/encryption-kms.yaml"])
    (kms, identity) = enc["resources"][0]["providers"]
    assert kms["kms"]["apiVersion"] == "v2" and kms["kms"]["endpoint"].startswith("unix://")
    assert identity == {"identity": {}}
    plugin = yaml.safe_load(files["/var/lib/rancher/rke2/agent/pod-manifests/kms-plugin.yaml"])
    env = {e["name"]: e["value"] for e in plugin["spec"]["containers"][0]["env"]}
    assert env["KMS_ENDPOINT"] == "https://kms.replace-me.invalid:8200"
    assert plugin["spec"]["containers"][0]["image"].startswith("registry.example.fr/")


def test_dev_keeps_rke2s_local_secretbox_key(dev: WireMonitor) -> None:
    cp0 = next(n for n in _nodes(dev) if n["name"] == "slz-k8s-cp-0")
    files = _files(_cloud_config(cp0))
    config = yaml.safe_load(files["/etc/rancher/rke2/config.yaml"])
    assert config["secrets-encryption-provider"] == "secretbox"
    assert "/etc/rancher/rke2/encryption-kms.yaml" not in files


def test_boot_and_data_volumes_use_the_encrypted_type(prod: WireMonitor) -> None:
    for node in _nodes(prod):
        (boot,) = node["object"]["blockDevices"]
        assert boot["volumeType"] == "luks-replace-me" and boot["bootIndex"] == 0
    data = [v for v in prod.of_type("openstack:blockstorage/volume:Volume") if "-k8s-" in v["name"]]
    # prod's workers have a data volume each (workers.dataVolumeSize); the control plane has none.
    assert sorted(v["name"] for v in data) == [f"slz-k8s-worker-{i}-data" for i in range(3)]
    assert {v["object"]["volumeType"] for v in data} == {"luks-replace-me"}
    assert all(v.get("protect") is True for v in data)


def test_the_api_listens_for_the_admin_zone_only_without_floating_ip(prod: WireMonitor) -> None:
    # The cluster's own load balancer; the dmz's TLS ingress has its own (test_ingress).
    (lb,) = [
        r for r in prod.of_type("openstack:loadbalancer/loadBalancer:LoadBalancer") if "-k8s-" in r["name"]
    ]
    assert lb["object"]["vipAddress"] == "10.20.4.5"
    listeners = {r["name"]: r["object"] for r in prod.of_type(LISTENER) if "-k8s-" in r["name"]}
    api = listeners["slz-k8s-api-listener"]
    assert (api["protocol"], api["protocolPort"]) == ("TCP", 6443.0)
    assert api["allowedCidrs"] == ["10.20.3.0/24"]
    assert listeners["slz-k8s-supervisor-listener"]["allowedCidrs"] == ["10.20.4.0/24"]
    for cidrs in (v["allowedCidrs"] for v in listeners.values()):
        assert all(ipaddress.ip_network(c).prefixlen >= 16 for c in cidrs)
    fips = prod.of_type("openstack:networking/floatingIp:FloatingIp")
    assert "slz-bastion-fip" in [f["name"] for f in fips]
    assert not [f["name"] for f in fips if "-k8s-" in f["name"]]
    members = [m for m in prod.of_type("openstack:loadbalancer/member:Member") if "-k8s-" in m["name"]]
    assert len(members) == 2 * 3  # both listeners, three API servers


def test_nodes_sit_on_ports_of_the_cluster_zone(prod: WireMonitor) -> None:
    ports = {
        p["name"]: p["object"] for p in prod.of_type("openstack:networking/port:Port") if "-k8s-" in p["name"]
    }
    assert len(ports) == 6
    for port in ports.values():
        assert port["networkId"] == "slz-net-cluster-net-id"
        assert port["securityGroupIds"] == ["slz-net-cluster-sg-id"]
        assert port["portSecurityEnabled"] is True


def test_node_flows_are_in_the_matrix_with_their_justification(prod: WireMonitor) -> None:
    (net,) = [o for o in prod.outputs if o["urn"].endswith("::slz-net")]
    matrix = net["outputs"]["flow_matrix"]
    flows = {(r["source"], r["destination"], r["protocol"], r["ports"]): r for r in matrix}
    for wanted in (
        ("admin", "cluster", "tcp", "6443"),
        ("cluster", "cluster", "tcp", "6443"),
        ("cluster", "cluster", "tcp", "9345"),
        ("cluster", "cluster", "tcp", "2379-2380"),
        ("cluster", "cluster", "tcp", "10250"),
        ("cluster", "cluster", "udp", "8472"),
    ):
        assert wanted in flows, wanted
        assert flows[wanted]["origin"] == "design" and len(flows[wanted]["justification"]) > 20
    rules = [r["object"] for r in prod.of_type("openstack:networking/secGroupRule:SecGroupRule")]
    etcd = [r for r in rules if r.get("portRangeMin") == 2379.0 and r["direction"] == "ingress"]
    assert etcd and all(r["remoteGroupId"] == "slz-net-cluster-sg-id" for r in etcd)


def test_custody_rows_are_honest_and_share_the_table_columns(prod: WireMonitor, dev: WireMonitor) -> None:
    columns = set(key_custody_rows(parse_stack_config(stack_copy("prod"), today=TODAY).keys)[0])
    for monitor, custody in ((prod, "customer-held"), (dev, "provider-readable (control-plane disk)")):
        (landing,) = [o for o in monitor.outputs if o["urn"].endswith("::slz")]
        rows = {r["key"]: r for r in landing["outputs"]["key_custody"]}
        row = rows["slz-k8s-secrets-encryption"]
        assert set(row) == columns
        assert row["custody"] == custody
    (landing,) = [o for o in prod.outputs if o["urn"].endswith("::slz")]
    row = next(r for r in landing["outputs"]["key_custody"] if r["key"] == "slz-k8s-secrets-encryption")
    assert "https://kms.replace-me.invalid:8200" in row["material_location"]


@pytest.mark.parametrize("role", ["server", "agent"])
def test_node_user_data_passes_cloud_inits_own_schema(role: str, tmp_path: Path) -> None:
    settings = NodeSettings(
        role=role,  # type: ignore[arg-type]
        version="v1.30.6+rke2r1",
        api_address="10.20.4.5",
        kms=("registry.example.fr/kms:1", "https://kms.example.fr", "k8s") if role == "server" else None,
    )
    cloud_init_schema(node_user_data(settings, JOIN_TOKEN), tmp_path)


def test_no_node_is_replaced_for_its_user_data_and_the_control_plane_is_protected(prod: WireMonitor) -> None:
    """A version bump, a retention or a CA change rewrites the user data; OpenStack would replace
    the instance, and a control-plane node's boot disk holds etcd."""
    for node in _nodes(prod):
        assert "userData" in node.get("ignoreChanges", []), node["name"]
        assert node.get("protect", False) is node["name"].startswith("slz-k8s-cp-"), node["name"]
