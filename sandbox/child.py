"""One run inside a forked sandbox child: compile, execute, probe, report as plain data.

`execute_job` never raises: every outcome, including the ones a learner provokes on
purpose (SystemExit, KeyboardInterrupt, MemoryError in the compiler), becomes a result.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from types import CodeType, TracebackType
from typing import Any

import numpy as np

from sandbox.facades import Facade
from sandbox.guards import CappedOutput, OutputLimitExceeded, SandboxRestriction
from sandbox.policy import (
    LEARNER_FILENAME,
    Refusal,
    compile_learner_code,
    learner_namespace,
    unrestricted_namespace,
)
from sandbox.result import Status
from sandbox.values import decode_preset, describe_value


def execute_job(
    job: Mapping[str, Any], facades: Mapping[str, Facade], *, policy: bool
) -> dict[str, Any]:
    started = time.process_time()
    source: str = job["code"]
    output = CappedOutput(int(job["limits"]["output_bytes"]), int(job["limits"]["output_lines"]))
    result: dict[str, Any] = {"status": Status.OK, "error": None, "probes": {}}
    try:
        result.update(_run(source, job, facades, output, policy=policy))
    except BaseException as exc:
        result.update(_classify(exc, source, output))
    result["stdout"] = output.text()
    result["stdout_truncated"] = output.exceeded
    if output.exceeded:
        result["status"] = Status.OUTPUT_LIMIT
    result["cpu_ms"] = round((time.process_time() - started) * 1000, 3)
    return result


def _run(
    source: str,
    job: Mapping[str, Any],
    facades: Mapping[str, Facade],
    output: CappedOutput,
    *,
    policy: bool,
) -> dict[str, Any]:
    preset = decode_preset(job.get("preset") or {})
    if policy:
        compiled = compile_learner_code(source)
        if isinstance(compiled, Refusal):
            return {"status": compiled.kind, "error": _refusal_error(compiled, source)}
        namespace = learner_namespace(facades, output, preset)
    else:
        compiled = compile(source, LEARNER_FILENAME, "exec")
        namespace = unrestricted_namespace(preset)
    code: CodeType = compiled
    try:
        exec(code, namespace)
    except BaseException as exc:
        return _classify(exc, source, output)
    return {"status": Status.OK, "probes": _probe(job.get("probes") or {}, namespace, job)}


def _probe(
    probes: Mapping[str, str], namespace: dict[str, Any], job: Mapping[str, Any]
) -> dict[str, Any]:
    """Trusted expressions from the caller, evaluated against what the learner defined."""
    max_bytes = int(job["limits"]["probe_bytes"])
    scope = dict(namespace)
    scope["np"] = np
    scope["__builtins__"] = __builtins__
    values: dict[str, Any] = {}
    for name, expression in probes.items():
        try:
            value = eval(compile(expression, "<probe>", "eval"), scope)
        except OutputLimitExceeded:
            raise
        except BaseException as exc:
            values[name] = {"ok": False, "error": _error_info(exc, job["code"])}
            continue
        values[name] = describe_value(value, max_bytes)
    return values


def _classify(exc: BaseException, source: str, output: CappedOutput) -> dict[str, Any]:
    if isinstance(exc, OutputLimitExceeded) or output.exceeded:
        return {"status": Status.OUTPUT_LIMIT, "error": None}
    if isinstance(exc, MemoryError):
        return {"status": Status.MEMORY, "error": _error_info(exc, source)}
    if _refused_by_policy(exc):
        return {"status": Status.REJECTED, "error": _error_info(exc, source)}
    if isinstance(exc, SyntaxError):  # only reachable with the policy off
        return {"status": Status.SYNTAX_ERROR, "error": _error_info(exc, source)}
    return {"status": Status.ERROR, "error": _error_info(exc, source)}


def _policy_refusal_types() -> frozenset[type[BaseException]]:
    found: set[type[BaseException]] = set()
    pending: list[type[BaseException]] = [SandboxRestriction]
    while pending:
        kind = pending.pop()
        found.add(kind)
        pending += kind.__subclasses__()
    return frozenset(found)


# Taken when this module loads, before any learner code: a class a learner defines later
# is never one of them, whatever its name.
_POLICY_REFUSALS = _policy_refusal_types()
_SANDBOX_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _refused_by_policy(exc: BaseException) -> bool:
    """`rejected` is the policy's word alone: one of its own refusal types, by exact type,
    raised inside the sandbox's code. A learner who got hold of the class and raised it
    with their own text (`raise type(caught)("...")`) raised it in their code: `error`."""
    if type(exc) not in _POLICY_REFUSALS:
        return False
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and tb.tb_frame.f_code.co_filename.startswith(_SANDBOX_DIR)


def _error_info(exc: BaseException, source: str) -> dict[str, Any]:
    line = _learner_line(exc.__traceback__)
    if line is None and isinstance(exc, SyntaxError):
        line = exc.lineno
    message = str(exc)
    if isinstance(exc, SystemExit):
        message = "your code called exit(); just let it finish instead"
    elif isinstance(exc, KeyboardInterrupt):
        message = "your code raised KeyboardInterrupt"
    elif isinstance(exc, MemoryError) and not message:
        message = "your code ran out of memory"
    return {
        "type": "NotAvailable" if _refused_by_policy(exc) else type(exc).__name__,
        "message": message[:2000],
        "line": line,
        "source_line": _source_line(source, line),
    }


def _refusal_error(refusal: Refusal, source: str) -> dict[str, Any]:
    return {
        "type": refusal.type,
        "message": refusal.message,
        "line": refusal.line,
        "source_line": _source_line(source, refusal.line),
        "column": refusal.column,
    }


def _learner_line(tb: TracebackType | None) -> int | None:
    """The innermost traceback entry that is in the learner's code."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == LEARNER_FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _source_line(source: str, line: int | None) -> str | None:
    if line is None:
        return None
    lines = source.splitlines()
    if 1 <= line <= len(lines):
        return lines[line - 1][:500]
    return None
