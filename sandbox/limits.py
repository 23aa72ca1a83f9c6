"""Resource limits for one run. Defaults suit a lesson solution with room to spare."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    timeout_s: float = 2.0  # wall clock, enforced from outside with SIGKILL
    memory_mb: int = 256  # address space the learner's code may add on top of the runtime
    output_bytes: int = 16_384  # printed output kept; more ends the run with output_limit
    output_lines: int = 400
    code_bytes: int = 32_768  # larger pastes are rejected before anything runs
    probe_bytes: int = 1_000_000  # one probe's encoded value; larger becomes an error entry

    def __post_init__(self) -> None:
        if self.timeout_s <= 0 or self.memory_mb <= 0:
            raise ValueError("timeout_s and memory_mb must be positive")
