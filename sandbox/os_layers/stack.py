"""The layers in order: shared set-up in the zygote, then each child's own layers."""

from __future__ import annotations

import signal
from collections.abc import Callable, Sequence

from sandbox.os_layers import _libc, landlock, namespaces, rlimits, seccomp, uid
from sandbox.os_layers.status import LayerStatus, disabled, failed

LAYER_NAMES: tuple[str, ...] = (
    "rlimits", "uid", "netns", "ipcns", "pidns", "seccomp", "landlock",
)  # fmt: skip
NAMESPACE_LAYERS = tuple(namespaces.LAYERS)


def check_names(enabled: frozenset[str]) -> None:
    unknown = enabled - set(LAYER_NAMES)
    if unknown:
        raise ValueError(f"unknown OS layers {sorted(unknown)}; known: {', '.join(LAYER_NAMES)}")


def _guarded(name: str, step: Callable[[], LayerStatus]) -> LayerStatus:
    try:
        return step()
    except Exception as exc:  # a layer must never stop the run: it is reported instead
        return failed(name, exc)


def _in_order(statuses: dict[str, LayerStatus]) -> list[LayerStatus]:
    return [statuses[name] for name in LAYER_NAMES]


def prepare_zygote(enabled: frozenset[str]) -> list[LayerStatus]:
    """Once in the zygote, before any fork: enter the namespaces every child inherits (with
    a PID namespace this returns in a new process, see namespaces.enter); pre-build the
    seccomp filter and look up the Landlock ABI, so children only apply them. Returns the
    status of what is shared (the namespaces); `probe` reports the rest."""
    check_names(enabled)
    try:
        entered = namespaces.enter(enabled)
    except Exception as exc:  # reported like any layer's failure; the probe re-checks
        entered = {name: failed(name, exc) for name in NAMESPACE_LAYERS if name in enabled}
    if "seccomp" in enabled:
        seccomp.prepare()
    if "landlock" in enabled:
        landlock.prepare()
    return [entered.get(name) or disabled(name) for name in NAMESPACE_LAYERS]


def apply_child(
    enabled: frozenset[str],
    *,
    memory_mb: int,
    cpu_seconds: int,
    readable_paths: Sequence[str],
    before_seccomp: Callable[[list[LayerStatus]], list[LayerStatus]] | None = None,
) -> list[LayerStatus]:
    """In each forked child, before learner code. The order matters: limits first (they
    measure the runtime as it is); Landlock while we may still open the paths it grants
    (the Python installation may be readable by root only); the uid drop; then the
    parent-death signal (the uid change clears it); seccomp last, so its allowlist never
    has to leave room for set-up calls. `before_seccomp` (the probe's checks) sees and may
    replace the other layers' statuses while the process can still look at itself."""
    check_names(enabled)
    steps: list[tuple[str, Callable[[], LayerStatus]]] = [
        ("rlimits", lambda: rlimits.apply(memory_mb=memory_mb, cpu_seconds=cpu_seconds)),
        ("landlock", lambda: landlock.apply(readable_paths)),
        ("uid", uid.apply),
        *((name, lambda name=name: namespaces.inherited(name)) for name in NAMESPACE_LAYERS),
    ]
    statuses = {
        name: _guarded(name, step) if name in enabled else disabled(name) for name, step in steps
    }
    _libc.prctl(_libc.PR_SET_PDEATHSIG, signal.SIGKILL)  # die with the zygote
    if before_seccomp is not None:
        checked = before_seccomp([statuses[name] for name in LAYER_NAMES if name != "seccomp"])
        statuses.update((status.name, status) for status in checked)
    statuses["seccomp"] = (
        _guarded("seccomp", seccomp.apply) if "seccomp" in enabled else (disabled("seccomp"))
    )
    return _in_order(statuses)
