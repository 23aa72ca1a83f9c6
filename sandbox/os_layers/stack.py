"""The layers in order: shared set-up in the zygote, then each child's own layers."""

from __future__ import annotations

import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sandbox.os_layers import _libc, landlock, namespaces, rlimits, seccomp, uid
from sandbox.os_layers.rlimits import Runtime
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


@dataclass(frozen=True)
class EarlyLayers:
    """What a child set up while it waited for its job: its own measurements for the
    rlimits (taken before Landlock hides /proc) and the statuses of the layers it applied."""

    runtime: Runtime
    statuses: dict[str, LayerStatus]


def before_job(enabled: frozenset[str], *, readable_paths: Sequence[str]) -> EarlyLayers:
    """In a forked child while it waits for its job (off the run's clock): measure what the
    rlimits need; Landlock while we may still open the paths it grants (the Python
    installation may be readable by root only); the uid drop; then the parent-death signal
    (the uid change clears it). Nothing here depends on the job."""
    check_names(enabled)
    runtime = rlimits.measure()
    steps: list[tuple[str, Callable[[], LayerStatus]]] = [
        ("landlock", lambda: landlock.apply(readable_paths)),
        ("uid", uid.apply),
        *((name, lambda name=name: namespaces.inherited(name)) for name in NAMESPACE_LAYERS),
    ]
    statuses = {
        name: _guarded(name, step) if name in enabled else disabled(name) for name, step in steps
    }
    _libc.prctl(_libc.PR_SET_PDEATHSIG, signal.SIGKILL)  # die with the zygote
    return EarlyLayers(runtime, statuses)


def for_job(
    enabled: frozenset[str],
    early: EarlyLayers,
    *,
    memory_mb: int,
    cpu_seconds: int,
    before_seccomp: Callable[[list[LayerStatus]], list[LayerStatus]] | None = None,
) -> list[LayerStatus]:
    """Once the job is in: the rlimits it asks for (from the runtime measured before), then
    seccomp last, so its allowlist never has to leave room for set-up calls (setrlimit
    among them). `before_seccomp` (the probe's checks) sees and may replace the other
    layers' statuses while the process can still look at itself. Every layer's status,
    in LAYER_NAMES order."""
    statuses = dict(early.statuses)
    statuses["rlimits"] = (
        _guarded(
            "rlimits",
            lambda: rlimits.apply(early.runtime, memory_mb=memory_mb, cpu_seconds=cpu_seconds),
        )
        if "rlimits" in enabled
        else disabled("rlimits")
    )
    if before_seccomp is not None:
        checked = before_seccomp([statuses[name] for name in LAYER_NAMES if name != "seccomp"])
        statuses.update((status.name, status) for status in checked)
    statuses["seccomp"] = (
        _guarded("seccomp", seccomp.apply) if "seccomp" in enabled else (disabled("seccomp"))
    )
    return _in_order(statuses)


def apply_child(
    enabled: frozenset[str],
    *,
    memory_mb: int,
    cpu_seconds: int,
    readable_paths: Sequence[str],
    before_seccomp: Callable[[list[LayerStatus]], list[LayerStatus]] | None = None,
) -> list[LayerStatus]:
    """Both phases at once, in the order a sandbox child applies them (for the probe,
    `doctor` and the tests)."""
    early = before_job(enabled, readable_paths=readable_paths)
    return for_job(
        enabled, early, memory_mb=memory_mb, cpu_seconds=cpu_seconds, before_seccomp=before_seccomp
    )
