"""OS isolation for sandbox children, one module per layer, stdlib and ctypes only.

The zygote calls `prepare_zygote` once; each forked child calls `apply_child` after it
received its job and before any learner code is compiled. `probe` reports what the host
provides without changing the caller (for `python -m bot doctor`).
"""

from sandbox.os_layers.paths import default_readable_paths
from sandbox.os_layers.probe import ProbeError, probe
from sandbox.os_layers.rlimits import cpu_seconds_for
from sandbox.os_layers.stack import LAYER_NAMES, apply_child, prepare_zygote
from sandbox.os_layers.status import LayerStatus

__all__ = [
    "LAYER_NAMES",
    "LayerStatus",
    "ProbeError",
    "apply_child",
    "cpu_seconds_for",
    "default_readable_paths",
    "prepare_zygote",
    "probe",
]
