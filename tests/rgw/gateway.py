"""A throw-away single-node Ceph RADOS Gateway for tests (one mon, one memstore OSD, one radosgw).

Settings and their reasons are in shared/FACTS-rgw.md (beside the checkout); the short version is kept next to
each ceph.conf line. Everything lives in one temporary folder and in RAM; every daemon is a child
process we started, and is stopped by its PID (never by name).

Run as a script (`python -m tests.rgw.gateway`) to start one, print endpoint and keys, and keep it
up until Ctrl-C.
"""
from __future__ import annotations

import contextlib
import dataclasses
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

BINARIES = ("monmaptool", "ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "ceph", "openssl")
APT_HINT = (
    "apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw ceph-common "
    "openssl uuid-runtime"
)
READY_TIMEOUT_S = 60.0


class GatewayUnavailable(RuntimeError):
    """The Ceph binaries are not installed."""


@dataclasses.dataclass(frozen=True)
class Gateway:
    http_endpoint: str
    https_endpoint: str
    ca_bundle: str
    access_key: str = dataclasses.field(repr=False)
    secret_key: str = dataclasses.field(repr=False)
    workdir: str = ""
    rgw_pid: int = 0


def missing_binaries() -> list[str]:
    return [name for name in BINARIES if shutil.which(name) is None]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ceph_conf(work: Path, mon_port: int, http: int, https: int) -> str:
    return f"""[global]
fsid = {uuid.uuid4()}
mon host = [v2:127.0.0.1:{mon_port}]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
# loopback only, msgr2 only, predictable ports
ms bind msgr1 = false
ms bind port min = {mon_port + 1}
ms bind port max = {mon_port + 40}
# no cephx keyrings to manage; radosgw's default "secure" mode would hang without cephx
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
keyring = {work}/keyring
run dir = {work}/run
admin socket = {work}/run/$name.asok
log file = {work}/log/$name.log
# a one-OSD cluster
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
osd crush chooseleaf type = 0
osd pool default pg num = 8
osd objectstore = memstore
memstore device bytes = 4294967296
# rgw creates ~6 pools one by one: default paxos timing makes start-up ~11 s
paxos propose interval = 0.01
paxos min wait = 0.001
objecter tick interval = 0.2
[mon.a]
mon data = {work}/mon
[osd.0]
osd data = {work}/osd
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:{http} ssl_endpoint=127.0.0.1:{https} \
  ssl_certificate={work}/cert.pem ssl_private_key={work}/key.pem
rgw crypt require ssl = true
rgw lc debug interval = 10
"""


def _run(args: list[str], work: Path) -> str:
    done = subprocess.run(args, cwd=work, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    return done.stdout


def _wait_http(url: str, context: ssl.SSLContext | None, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1, context=context).close()
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer means the gateway is serving
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"radosgw did not answer on {url} within {READY_TIMEOUT_S:.0f} s")


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """Stop in the given order (rgw, osd, mon): SIGTERM, ~1 s grace, then SIGKILL.

    radosgw 16.2 defers SIGTERM for up to 120 s, hence the short grace and the SIGKILL."""
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


class RunningGateway:
    """Context manager: starts the cluster on enter, stops it (and removes its folder) on exit."""

    def __init__(self) -> None:
        self._procs: list[subprocess.Popen[bytes]] = []  # mon, osd, rgw in start order
        self._work: Path | None = None

    def __enter__(self) -> Gateway:
        missing = missing_binaries()
        if missing:
            raise GatewayUnavailable(f"Ceph binaries missing: {', '.join(missing)}; {APT_HINT}")
        try:
            return self._start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        stop(list(reversed(self._procs)))
        self._procs.clear()
        if self._work is not None:
            shutil.rmtree(self._work, ignore_errors=True)
            self._work = None

    def _spawn(self, args: list[str], work: Path) -> None:
        self._procs.append(subprocess.Popen(
            args, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    def _start(self) -> Gateway:
        work = Path(tempfile.mkdtemp(prefix="slz-rgw-"))
        self._work = work
        for sub in ("run", "log", "mon", "osd"):
            (work / sub).mkdir()
        (work / "keyring").write_text("")
        mon_port, http, https = _free_port(), _free_port(), _free_port()
        conf = str(work / "ceph.conf")
        Path(conf).write_text(_ceph_conf(work, mon_port, http, https))
        _run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
              "-keyout", "key.pem", "-out", "cert.pem", "-subj", "/CN=127.0.0.1",
              "-addext", "subjectAltName=IP:127.0.0.1"], work)
        fsid = next(line.split("=", 1)[1].strip() for line in Path(conf).read_text().splitlines()
                    if line.startswith("fsid"))
        _run(["monmaptool", "--create", "--fsid", fsid, "--addv", "a",
              f"[v2:127.0.0.1:{mon_port}]", "monmap"], work)
        _run(["ceph-mon", "-c", conf, "--mkfs", "-i", "a", "--monmap", "monmap"], work)
        self._spawn(["ceph-mon", "-c", conf, "-i", "a", "-f"], work)
        osd_uuid = str(uuid.uuid4())
        _run(["ceph", "-c", conf, "--connect-timeout", "30", "osd", "create", osd_uuid], work)
        _run(["ceph-osd", "-c", conf, "-i", "0", "--mkfs", "--osd-uuid", osd_uuid], work)
        self._spawn(["ceph-osd", "-c", conf, "-i", "0", "-f"], work)
        self._spawn(["radosgw", "-c", conf, "-n", "client.rgw", "-f"], work)
        deadline = time.monotonic() + READY_TIMEOUT_S
        _wait_http(f"http://127.0.0.1:{http}/", None, deadline)
        ca = str(work / "cert.pem")
        _wait_http(f"https://127.0.0.1:{https}/", ssl.create_default_context(cafile=ca), deadline)
        access, secret = uuid.uuid4().hex[:20].upper(), uuid.uuid4().hex
        _run(["radosgw-admin", "-c", conf, "-n", "client.rgw", "user", "create", "--uid", "test",
              "--display-name", "test", "--access-key", access, "--secret-key", secret], work)
        return Gateway(f"http://127.0.0.1:{http}", f"https://127.0.0.1:{https}", ca,
                       access, secret, str(work), self._procs[-1].pid)


def main() -> int:
    started = time.monotonic()
    try:
        with RunningGateway() as gw:
            print(f"started in {time.monotonic() - started:.1f} s")
            print(f"http  {gw.http_endpoint}\nhttps {gw.https_endpoint}\nca    {gw.ca_bundle}")
            print(f"AWS_ACCESS_KEY_ID={gw.access_key}\nAWS_SECRET_ACCESS_KEY={gw.secret_key}")
            print("Ctrl-C stops it.", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                signal.pause()
    except GatewayUnavailable as err:
        print(err, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
