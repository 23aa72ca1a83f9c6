"""How many runs a pool lets go at once, when nobody says.

One more than the CPU cores. Each run is handed over three times (pool, zygote, child) and
reported once when it ends; with exactly one run per core, a core waits during each of
those hand-offs. The extra run keeps every core busy: on a 2-core machine, 2 workers give
about 310 runs/s and 3 about 340 (`benchmarks/bench_sandbox.py --workers N`), at the
cost of one more child's memory (SANDBOX_MEMORY_MB) at the busiest moment.
"""

from __future__ import annotations

import os


def default_workers() -> int:
    return (os.cpu_count() or 1) + 1
