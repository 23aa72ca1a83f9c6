"""The job a run is given: the same plain-data message for a sandbox child and for a
trusted in-process run, so both start from identical inputs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.limits import Limits
from sandbox.values import encode_preset


def make_job(
    text: str, preset: Mapping[str, Any] | None, probes: Mapping[str, str] | None, limits: Limits
) -> dict[str, Any]:
    return {
        "code": text,
        "preset": encode_preset(preset or {}),
        "probes": dict(probes or {}),
        "limits": {
            "timeout_s": limits.timeout_s,
            "memory_mb": limits.memory_mb,
            "output_bytes": limits.output_bytes,
            "output_lines": limits.output_lines,
            "probe_bytes": limits.probe_bytes,
        },
    }
