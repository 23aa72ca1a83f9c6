"""OS isolation for sandbox children, one module per layer, stdlib and ctypes only.

The zygote calls `prepare_zygote` once; each forked child calls `before_job` while it
waits for its job and `for_job` once the job is in, before any learner code is compiled
(`apply_child` does both at once). `probe` reports what the host
provides without changing the caller (for `python -m bot doctor`).
"""

from sandbox.os_layers.paths import default_readable_paths
from sandbox.os_layers.probe import ProbeError, probe
from sandbox.os_layers.rlimits import cpu_seconds_for
from sandbox.os_layers.stack import (
    LAYER_NAMES,
    EarlyLayers,
    apply_child,
    before_job,
    for_job,
    prepare_zygote,
)
from sandbox.os_layers.status import LayerStatus

__all__ = [
    "LAYER_NAMES",
    "EarlyLayers",
    "LayerStatus",
    "ProbeError",
    "apply_child",
    "before_job",
    "cpu_seconds_for",
    "default_readable_paths",
    "for_job",
    "prepare_zygote",
    "probe",
]
