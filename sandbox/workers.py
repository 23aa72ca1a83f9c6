"""How many runs a pool lets go at once, when nobody says.

One more than the CPU cores. Each run is handed over three times (pool, zygote, child) and
reported once when it ends; with exactly one run per core, a core waits during each of
those hand-offs (83 % busy with 2 workers on 2 cores, 92 % with 3). The extra run keeps
every core busy: on the 2-core development machine, 2 workers give 297 to 324 runs/s and
3 give 322 to 346 (`benchmarks/bench_sandbox.py --workers N`), at the cost of one more
child's memory (SANDBOX_MEMORY_MB) at the busiest moment.
"""

from __future__ import annotations

import os


def default_workers() -> int:
    return (os.cpu_count() or 1) + 1
