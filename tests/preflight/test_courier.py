"""The courier: frames read back as written; over real gRPC, every answer comes back in request
order whatever order the server answers in, a failed call is an answer of its own; a courier that
dies is a crash naming its exit code and stderr."""

from __future__ import annotations

import io
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path

import grpc
import pytest
from pulumi.runtime.proto import analyzer_pb2

from preflight import courier, courier_process
from preflight.courier_process import CourierProcess
from preflight.errors import CrashError


def test_frames_read_back_as_written() -> None:
    bodies = [b"", b"x", bytes(range(256)) * 300]
    requests = io.BytesIO(b"".join(courier.request_frame(b) for b in bodies))
    assert list(courier.read_requests(requests)) == bodies
    kinds = [courier.ANSWER, courier.FAILED, courier.ANSWER]
    answers = io.BytesIO(b"".join(courier.answer_frame(k, b) for k, b in zip(kinds, bodies, strict=True)))
    assert list(courier.read_answers(answers)) == list(zip(kinds, bodies, strict=True))


def test_a_frame_cut_short_is_an_error_not_an_end() -> None:
    with pytest.raises(EOFError, match="3 of 10 bytes"):
        list(courier.read_requests(io.BytesIO(courier.request_frame(b"0123456789")[:7])))


def test_the_courier_calls_the_analyzer_protocol_s_analyze_method() -> None:
    service = analyzer_pb2.DESCRIPTOR.services_by_name["Analyzer"]
    method = f"/{service.full_name}/{service.methods_by_name['Analyze'].name}"
    assert method == courier.ANALYZE


def test_the_failure_line_is_the_last_line_of_the_details_or_the_code() -> None:
    assert (
        courier.failure_text("Traceback\n  ...\nValueError: bad\n", "StatusCode.UNKNOWN") == "ValueError: bad"
    )
    assert courier.failure_text("  ", "StatusCode.UNAVAILABLE") == "StatusCode.UNAVAILABLE"
    assert len(courier.failure_text("x" * 1000, "c")) == 300


@pytest.fixture
def echo_server() -> Iterator[int]:
    """A gRPC server for the Analyze method that answers each request with its reversed bytes,
    after a random delay (so answers complete out of order), and fails the ones starting 'fail'."""
    rng = random.Random(7)
    lock = threading.Lock()

    def analyze(request: bytes, context: grpc.ServicerContext) -> bytes:
        with lock:
            delay = rng.random() / 100
        time.sleep(delay)
        if request.startswith(b"fail"):
            context.abort(grpc.StatusCode.INTERNAL, f"Traceback ...\nRuntimeError: {request.decode()}")
        return request[::-1]

    handler = grpc.method_handlers_generic_handler(
        "pulumirpc.Analyzer", {"Analyze": grpc.unary_unary_rpc_method_handler(analyze)}
    )
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), handlers=[handler])
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield port
    server.stop(None)


def test_answers_come_back_in_request_order_with_failures_in_place(echo_server: int) -> None:
    requests = [b"fail-%d" % i if i % 17 == 0 else b"request-%d" % i for i in range(200)]
    answers = io.BytesIO()
    courier.serve(
        echo_server, 10.0, io.BytesIO(b"".join(courier.request_frame(r) for r in requests)), answers
    )
    answers.seek(0)
    expected = [
        (courier.FAILED, b"RuntimeError: " + r) if r.startswith(b"fail") else (courier.ANSWER, r[::-1])
        for r in requests
    ]
    assert list(courier.read_answers(answers)) == expected


def test_the_courier_process_hands_each_answer_with_its_urn(echo_server: int) -> None:
    got: list[tuple[str, bytes, bytes]] = []
    process = CourierProcess(echo_server, 10.0, lambda urn, kind, body: got.append((urn, kind, body)))
    try:
        process.send([("urn:a", b"abc"), ("urn:b", b"fail-b")])
        process.send([("urn:c", b"")])
        process.finish()
    finally:
        process.close()
    assert got == [
        ("urn:a", courier.ANSWER, b"cba"),
        ("urn:b", courier.FAILED, b"RuntimeError: fail-b"),
        ("urn:c", courier.ANSWER, b""),
    ]
    assert process.proc.returncode == 0


def test_a_courier_that_dies_is_a_crash_naming_its_exit_code_and_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dying = tmp_path / "dying.py"
    dying.write_text(
        "import sys\nsys.stdin.buffer.read(1)\nprint('grpc exploded', file=sys.stderr)\nsys.exit(3)\n"
    )
    monkeypatch.setattr(courier_process, "COURIER", dying)
    process = CourierProcess(1, 1.0, lambda *answer: None)
    try:
        with pytest.raises(CrashError) as raised:
            process.send([("urn:a", b"abc")])
            process.finish()
    finally:
        process.close()
    assert raised.value.message == (
        "the Analyze courier stopped (exit code 3) with requests unanswered: 1; "
        "its stderr ends: grpc exploded"
    )


def test_answers_preflight_cannot_read_stop_the_courier_at_once(echo_server: int) -> None:
    """Nobody reads the courier's output any more: it must not fill its pipe and hang the run."""

    def unreadable(urn: str, kind: bytes, body: bytes) -> None:
        raise ValueError(f"cannot parse the answer for {urn}")

    process = CourierProcess(echo_server, 10.0, unreadable)
    started = time.monotonic()
    try:
        with pytest.raises(CrashError) as raised:
            for batch in range(200):  # far more than the pipes hold
                process.send([(f"urn:{batch}:{i}", b"x" * 1000) for i in range(50)])
            process.finish()
    finally:
        process.close()
    assert time.monotonic() - started < 30
    assert raised.value.message.startswith(
        "preflight could not read the Analyze courier's answers: "
        "ValueError('cannot parse the answer for urn:0:0')"
    )


def test_the_courier_loads_nothing_of_preflight_or_the_pulumi_sdk() -> None:
    """What it imports is what it costs in memory: grpc alone is about 30 MB, the SDK 45 MB more."""
    probe = (
        "import runpy, sys; runpy.run_path(sys.argv[1], run_name='probe'); import grpc; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pulumi', 'preflight', 'google', 'yaml'}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-P", "-c", probe, str(courier_process.COURIER)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "[]"
