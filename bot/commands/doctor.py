"""`python -m bot doctor`: what this host gives the sandbox, for a quick health check."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from importlib import metadata
from typing import Any

from bot.shards import describe_shards
from bot.store.choice import describe
from sandbox import LayerReport
from sandbox.layer_requirements import refusals
from sandbox.os_layers import LayerStatus, ProbeError, cpu_seconds_for, probe
from sandbox.os_layers.hints import how_to_enable

NAME = "doctor"
HELP = "report versions, the kernel and which sandbox OS isolation layers this host provides"

# Distribution names, as pip knows them; the first two are needed to run any code at all.
PACKAGES = ("numpy", "RestrictedPython", "discord.py", "aiosqlite", "asyncpg")
REQUIRED = ("numpy", "RestrictedPython")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def gather(
    allow_missing: frozenset[str] = frozenset(), *, memory_mb: int = 256, timeout_s: float = 2.0
) -> dict[str, Any]:
    """Everything the report shows, as plain data. `layers` is None when the probe failed.
    A layer that would make `run` and `local` refuse to start is a problem. The rlimits are
    checked at the limits a run gets (SANDBOX_MEMORY_MB, SANDBOX_TIMEOUT)."""
    uname = os.uname()
    report: dict[str, Any] = {
        "python": {"version": platform.python_version(), "executable": sys.executable},
        "packages": {name: _version(name) for name in PACKAGES},
        "kernel": {"system": uname.sysname, "release": uname.release, "machine": uname.machine},
        "root": os.geteuid() == 0,
        "layers": None,
        "problems": [],
    }
    for name in REQUIRED:
        if report["packages"][name] is None:
            report["problems"].append(f"{name} is not installed: the sandbox cannot run")
    try:
        statuses = probe(memory_mb=memory_mb, cpu_seconds=cpu_seconds_for(timeout_s))
    except (ProbeError, OSError) as exc:
        report["problems"].append(f"probing the OS layers failed: {exc}")
        return report
    report["layers"] = [status.to_json() for status in statuses]
    reports = [LayerReport(s.name, s.active, s.detail, s.missing) for s in statuses]
    report["problems"] += [
        f"`run` and `local` would refuse to start: {reason}"
        for reason in refusals(reports, allow_missing)
    ]
    return report


def time_sandbox_runs(runs: int = 20) -> dict[str, Any]:
    """Start the real pool and time a small run end to end, as the bot would."""
    import asyncio
    import time

    from sandbox import Sandbox, Status

    async def measure() -> dict[str, Any]:
        started = time.perf_counter()
        async with Sandbox(workers=1) as sandbox:
            start_ms = (time.perf_counter() - started) * 1000
            timings, status = [], "ok"
            for _ in range(runs):
                began = time.perf_counter()
                result = await sandbox.run("import numpy as np\nprint(np.ones(3) @ np.ones(3))\n")
                timings.append((time.perf_counter() - began) * 1000)
                if result.status is not Status.OK or result.stdout != "3.0\n":
                    status = f"{result.status.value}: {result.message}"
        timings.sort()
        return {"status": status, "start_ms": round(start_ms, 1),
                "median_ms": round(timings[len(timings) // 2], 2)}  # fmt: skip

    return asyncio.run(measure())


def run(args: argparse.Namespace) -> int:
    settings = args.settings
    report = gather(
        settings.sandbox_allow_missing_layers,
        memory_mb=settings.sandbox_memory_mb,
        timeout_s=settings.sandbox_timeout_s,
    )
    url = settings.database_url.get_secret_value() if settings.database_url else None
    # Several processes may share one database: say which shards this one would hold.
    report["database"] = describe(url, settings.database_path)
    report["shards"] = describe_shards(settings)
    try:
        report["sandbox_run"] = time_sandbox_runs()
        if report["sandbox_run"]["status"] != "ok":
            report["problems"].append(f"a sandbox run failed: {report['sandbox_run']['status']}")
    except Exception as exc:  # the report must still print when the pool can't start
        report["sandbox_run"] = None
        report["problems"].append(f"the sandbox pool could not run code: {exc}")
    print(json.dumps(report, indent=2) if args.json else render(report))
    return 1 if report["problems"] else 0


def render(report: dict[str, Any]) -> str:
    python, kernel = report["python"], report["kernel"]
    lines = [
        "Gradient Tutor doctor",
        f"  python            {python['version']} ({python['executable']})",
        *(
            f"  {name:<17} {version or 'not installed'}"
            for name, version in report["packages"].items()
        ),
        f"  kernel            {kernel['system']} {kernel['release']} {kernel['machine']}",
        f"  root              {'yes' if report['root'] else 'no'}",
    ]
    if "database" in report:
        lines.append(f"  database          {report['database']}")
        lines.append(f"  discord shards    {report['shards']}")
    if report["layers"] is not None:
        lines.append("OS isolation layers (applied and checked in a throwaway child):")
        for item in report["layers"]:
            status = LayerStatus.from_json(item)
            state = "active" if status.active else ("missing" if status.missing else "FAILED")
            lines.append(f"  {status.name:<9} {state:<7}  {status.detail}")
            if status.missing:
                lines.append(f"  {'':<9} {'':<7}  to enable: {how_to_enable(status.name)}")
    if run := report.get("sandbox_run"):
        lines.append(
            f"Sandbox pool: started in {run['start_ms']} ms, "
            f"a small run takes {run['median_ms']} ms (median of 20): {run['status']}"
        )
    lines += [f"problem: {problem}" for problem in report["problems"]]
    return "\n".join(lines)


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None
