"""Analyze calls sent from a process of their own, so that their cost leaves the program's.

While a stack is checked, preflight's process runs the program, records its registrations and
sends each one's AnalyzeRequest to the pack, all under one interpreter lock. Python's gRPC client
costs about 250 microseconds of CPU per call (its calling, completion and polling threads): at
4,500 resources, 1.5 s of the 5.9 s the process spent while the program ran. The courier is a
child process that imports grpc and nothing else (no Pulumi SDK, no preflight module: about 35
MB): it reads serialized AnalyzeRequests on its standard input, sends each to the pack, several in
flight, and writes every answer back on its standard output, in the order the requests came.
Preflight's process is left with serializing requests and parsing answers. The courier ends when
its input does, after the last registration, so it is gone before AnalyzeStack, which preflight
sends on its own connection, and when memory peaks.

Frames: a request is its length (4 bytes, big-endian) and its bytes; an answer is a kind byte
(ANSWER or FAILED), a length and its bytes: the serialized AnalyzeResponse, or the text of the
pack's error. This file runs as the courier (`python -P courier.py PORT TIMEOUT`) and is imported
by preflight for the frames, so it needs the standard library and grpc only.
"""

from __future__ import annotations

import collections
import struct
import sys
from collections.abc import Iterator
from typing import IO, Any

ANALYZE = "/pulumirpc.Analyzer/Analyze"
WINDOW = 32
"""Analyze calls in flight at once: enough to keep the pack's workers busy, few enough to bound
memory."""
MAX_RECEIVE = 400 * 1024 * 1024
"""The largest message preflight accepts from the pack, on either connection."""
ANSWER = b"A"
FAILED = b"F"
_LENGTH = struct.Struct(">I")


def request_frame(request: bytes) -> bytes:
    return _LENGTH.pack(len(request)) + request


def answer_frame(kind: bytes, body: bytes) -> bytes:
    return kind + _LENGTH.pack(len(body)) + body


def _exactly(stream: IO[bytes], size: int) -> bytes:
    data = b""
    while len(data) < size:
        more = stream.read(size - len(data))
        if not more:
            raise EOFError(f"a frame ended after {len(data)} of {size} bytes")
        data += more
    return data


def _frames(stream: IO[bytes], head_size: int) -> Iterator[tuple[bytes, bytes]]:
    """(head, body) of every frame until the stream ends between two frames."""
    while head := stream.read(head_size):
        head += _exactly(stream, head_size - len(head))
        yield head, _exactly(stream, _LENGTH.unpack(head[-_LENGTH.size :])[0])


def read_requests(stream: IO[bytes]) -> Iterator[bytes]:
    for _, body in _frames(stream, _LENGTH.size):
        yield body


def read_answers(stream: IO[bytes]) -> Iterator[tuple[bytes, bytes]]:
    """(ANSWER or FAILED, body) of every answer."""
    for head, body in _frames(stream, 1 + _LENGTH.size):
        yield head[:1], body


def failure_text(details: str, code: str) -> str:
    """The line of a pack's error worth reporting: its last, at most 300 characters."""
    details = details.strip()
    return (details.splitlines()[-1] if details else code)[:300]


def serve(port: int, timeout: float, requests: IO[bytes], answers: IO[bytes]) -> None:
    """Send every request read to the pack at `port`; write every answer, in request order."""
    import grpc

    options = [("grpc.max_receive_message_length", MAX_RECEIVE)]
    channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=options)
    analyze = channel.unary_unary(ANALYZE)  # bytes in, bytes out: no serializers
    pending: collections.deque[Any] = collections.deque()

    def deliver(call: Any) -> None:
        try:
            answers.write(answer_frame(ANSWER, call.result()))
        except grpc.RpcError as err:
            details = (err.details() if hasattr(err, "details") else "") or ""
            answers.write(answer_frame(FAILED, failure_text(details, str(err.code())).encode()))

    try:
        # Answers are written as they complete, in order; those complete while no request comes
        # (the program is busy elsewhere) wait for the next request or the end of the input.
        for request in read_requests(requests):
            pending.append(analyze.future(request, timeout=timeout))
            delivered = False
            while pending and (len(pending) >= WINDOW or pending[0].done()):
                deliver(pending.popleft())
                delivered = True
            if delivered:
                answers.flush()
        while pending:
            deliver(pending.popleft())
        answers.flush()
    finally:
        channel.close()


if __name__ == "__main__":
    serve(int(sys.argv[1]), float(sys.argv[2]), sys.stdin.buffer, sys.stdout.buffer)
