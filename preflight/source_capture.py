"""The creating line of each resource, found without the SDK's whole-stack walk.

For every registration the SDK (pulumi.runtime.resource._get_stack_trace) extracts the whole Python
stack with traceback.extract_stack, which reads every frame's source line from disk, finds the
third `__init__` frame from the top (Resource, then CustomResource or ComponentResource, then the
concrete class) and sends every frame outside it, each turned into a file URI. The recorder keeps
one line of that: the first of those frames that lies in the project (recorder._source).

The fast capture walks the same frames, applies the same rule and stops at the first frame the
recorder would keep, so a registration carries the same sourcePosition and the same leading
frames, and the recorder picks the same line. File names are turned into URIs once per file. Set
PREFLIGHT_SDK_STACK_TRACE=1 to run the SDK's own capture instead (tests compare the two).
"""

from __future__ import annotations

import os
import pathlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

from pulumi.runtime import resource as sdk_resource
from pulumi.runtime.proto import source_pb2

SDK_PATH_VARIABLE = "PREFLIGHT_SDK_STACK_TRACE"
"""Set to 1 to keep the SDK's own stack-trace capture (the default path)."""
_RESOURCE_INITS = 3
"""Resource.__init__, CustomResource/ComponentResource.__init__, the concrete class's __init__."""


def sdk_path_requested() -> bool:
    return os.environ.get(SDK_PATH_VARIABLE, "") not in ("", "0")


def _uri(filename: str) -> str | None:
    """The SDK's URI for a frame's file (_get_source_position_for_frame), or None where it has none."""
    if filename == "":
        return None
    try:
        return pathlib.Path(filename).as_uri()
    except ValueError:  # a relative name ("<frozen runpy>", "<string>") has no URI
        return None


def fast_stack_trace(is_kept: Callable[[str], bool]) -> Callable[[], source_pb2.StackTrace]:
    """A drop-in for the SDK's _get_stack_trace that stops at the first frame `is_kept` accepts.

    is_kept receives a frame's URI and answers as the recorder would for that frame.
    """
    uris: dict[str, tuple[str | None, bool]] = {}

    def capture() -> source_pb2.StackTrace:
        # The SDK's own frame (_get_stack_trace) counts in its walk; its caller is our caller.
        frame: FrameType | None = sys._getframe(1)
        seen = 0
        while frame is not None and seen < _RESOURCE_INITS:
            if frame.f_code.co_name == "__init__":
                seen += 1
            if seen < _RESOURCE_INITS:
                frame = frame.f_back
        # As in the SDK: no third __init__, or nothing outside it, means an empty trace.
        if frame is None or frame.f_back is None:
            return source_pb2.StackTrace()
        frames = []
        outer: FrameType | None = frame.f_back
        while outer is not None:
            filename = outer.f_code.co_filename
            known = uris.get(filename)
            if known is None:
                uri = _uri(filename)
                known = uris[filename] = (uri, uri is not None and is_kept(uri))
            uri, kept = known
            line = outer.f_lineno
            pc = None if uri is None or line is None else source_pb2.SourcePosition(uri=uri, line=line)
            frames.append(source_pb2.StackFrame(pc=pc))
            if kept:
                break
            outer = outer.f_back
        return source_pb2.StackTrace(frames=frames)

    return capture


@contextmanager
def installed(is_kept: Callable[[str], bool]) -> Iterator[None]:
    """The fast capture in place of the SDK's for the duration, unless the SDK path was asked for."""
    if sdk_path_requested():
        yield
        return
    original = sdk_resource._get_stack_trace
    sdk_resource._get_stack_trace = fast_stack_trace(is_kept)
    try:
        yield
    finally:
        sdk_resource._get_stack_trace = original
