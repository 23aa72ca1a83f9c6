"""The job a run is given: the same plain-data message for a sandbox child and for a
trusted in-process run, so both start from identical inputs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.limits import Limits


def make_job(
    text: str, preset: Mapping[str, Any] | None, probes: Mapping[str, str] | None, limits: Limits
) -> dict[str, Any]:
    return {
        "code": text,
        "preset": _encoded(preset) if preset else {},
        "probes": dict(probes or {}),
        "limits": {
            "timeout_s": limits.timeout_s,
            "memory_mb": limits.memory_mb,
            "output_bytes": limits.output_bytes,
            "output_lines": limits.output_lines,
            "probe_bytes": limits.probe_bytes,
        },
    }


def _encoded(preset: Mapping[str, Any]) -> dict[str, Any]:
    # Imported here: encoding a preset needs NumPy, and a run without one (`python -m bot
    # sandbox FILE`) starts faster without importing it in the parent.
    from sandbox.values import encode_preset

    return encode_preset(preset)
