"""Run TRUSTED code (a lesson's reference solution) in this process, through the same
steps a sandbox child takes, so its result is the one the sandbox would give.

A learner's code is never run here: it gets a forked, confined child. Trusted code needs no
confinement, and skipping the fork, the OS layers and the pipes makes grading cost one
sandbox run instead of two. Exactness comes from sharing every step that shapes a value:

- the job is built by `make_job` and takes the JSON round trip a child's job takes
  (so the preset arrives as the same types: arrays, floats, lists);
- `execute_job` runs it with the policy on and the same facades: the same restricted
  compile, guarded namespace, probes and value encoding;
- the result frame is encoded and read back by `assemble`, as the pool reads a child's.

What differs is only what cannot change a value: no fork, no OS layers, no fresh random
seed (a reference solution draws no unseeded random numbers; tests compare both paths).
The caller bounds it with a deadline (it is synchronous: run it on a worker thread).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

from sandbox.child import execute_job
from sandbox.child_io import assemble
from sandbox.facades import Facade, build_facades
from sandbox.job import make_job
from sandbox.limits import Limits
from sandbox.messages import describe
from sandbox.protocol import HEADER, decode_body, encode_frame
from sandbox.result import RunResult, Status
from sandbox.validation import validate_code

_facades: Mapping[str, Facade] | None = None
_facades_lock = threading.Lock()


def run_trusted_in_process(
    code: str,
    *,
    preset: Mapping[str, Any] | None = None,
    probes: Mapping[str, str] | None = None,
    limits: Limits | None = None,
) -> RunResult:
    """The RunResult a sandbox run of `code` gives, computed here. Blocking: call it from
    a worker thread with a deadline, never on the event loop."""
    limits = limits or Limits()
    text, refusal = validate_code(code, limits)
    if text is None:
        return RunResult(
            status=Status.REJECTED,
            error=refusal,
            message=describe(Status.REJECTED, refusal, limits),
        )
    began = time.monotonic()
    job = decode_body(encode_frame(make_job(text, preset, probes, limits))[HEADER.size :])
    result = execute_job(job, _shared_facades(), policy=True)
    wall_ms = (time.monotonic() - began) * 1000
    exit_info = {"completed": True, "wall_ms": wall_ms, "cpu_ms": result.get("cpu_ms")}
    return assemble(encode_frame({"result": result}), exit_info, limits, policy=True)


def _shared_facades() -> Mapping[str, Facade]:
    """Built once per process, as the zygote does; read-only afterwards, so threads share it."""
    global _facades
    with _facades_lock:
        if _facades is None:
            _facades = build_facades()
        return _facades
