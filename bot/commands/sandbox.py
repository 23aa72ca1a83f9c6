"""`python -m bot sandbox FILE...`: run files in the sandbox, with no lesson attached.

`prepare()` starts the zygote process before the command line loads its settings, so it
imports NumPy and the sandbox on the other core meanwhile; the pool configures it with
the settings' worker count once they are read. The settings, the pool builder and the
pool itself (asyncio) are imported only after that, in `run`.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

from bot.code_extraction import extract_from_file
from bot.commands._inputs import InputError, read_inputs
from sandbox.zygote_launch import LaunchedZygote, launch_zygote

if TYPE_CHECKING:
    from bot.settings import Settings
    from sandbox import Limits, RunResult

NAME = "sandbox"
HELP = "run code files in the sandbox (plain code or a message with a ```python block; - is stdin)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="files to run; - reads stdin")
    parser.add_argument("--json", action="store_true", help="one JSON object per file per line")
    parser.add_argument("--timeout", type=float, default=None, metavar="S", help="seconds per run")
    parser.add_argument("--memory", type=int, default=None, metavar="MB", help="memory per run")


_launched: list[LaunchedZygote] = []  # started by prepare(), handed to the pool by run()


def prepare() -> None:
    _launched.append(launch_zygote())


def run(args: argparse.Namespace) -> int:
    import asyncio

    from bot.sandbox_pool import sandbox_limits
    from sandbox import Status

    settings = args.settings
    timeout = args.timeout if args.timeout is not None else settings.sandbox_timeout_s
    memory = args.memory if args.memory is not None else settings.sandbox_memory_mb
    if timeout <= 0 or memory <= 0:
        print("error: --timeout and --memory must be positive", file=sys.stderr)
        return 2
    try:
        sources = read_inputs(args.files)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    limits = sandbox_limits(settings, timeout_s=timeout, memory_mb=memory)
    results = asyncio.run(_run_all(sources, settings, limits))
    for (name, _), result in zip(sources, results, strict=True):
        print(_as_json(name, result) if args.json else _as_text(name, result))
    return 0 if all(r.status is Status.OK for r in results) else 1


async def _run_all(
    sources: list[tuple[str, str]], settings: Settings, limits: Limits
) -> list[RunResult]:
    import asyncio

    from bot.sandbox_pool import open_sandbox
    from sandbox import ErrorInfo, RunResult, Status

    launched = _launched.pop() if _launched else None
    async with open_sandbox(
        settings, limits=limits, every_layer=True, launched=launched
    ) as sandbox:

        async def one(text: str) -> RunResult:
            extraction = extract_from_file(text)
            if extraction.code is None:
                error = ErrorInfo("NoCode", extraction.problem or "there is no code to run")
                return RunResult(Status.REJECTED, error=error, message=error.message)
            return await sandbox.run(extraction.code)

        return await asyncio.gather(*(one(text) for _, text in sources))


def _as_json(name: str, result: RunResult) -> str:
    error = None if result.error is None else asdict(result.error)
    return json.dumps(
        {
            "file": name,
            "status": result.status.value,
            "stdout": result.stdout,
            "error": error,
            # The status in plain words: also for a timeout or an output limit, which
            # have no error.
            "message": result.message,
            "wall_ms": round(result.wall_ms, 1),
        },
        allow_nan=False,
    )


def _as_text(name: str, result: RunResult) -> str:
    from sandbox import Status

    lines = [f"== {name}: {result.status.value} ({result.wall_ms:.1f} ms)"]
    if result.stdout:
        lines.append(result.stdout.rstrip("\n"))
    if result.status is not Status.OK:
        lines.append(result.message)
        if result.error and result.error.source_line:
            lines.append(f"    {result.error.line} | {result.error.source_line}")
    return "\n".join(lines)
