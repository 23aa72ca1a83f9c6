"""The layers in order: shared set-up in the zygote, then each child's own layers."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sandbox.os_layers import landlock, netns, rlimits, seccomp, uid
from sandbox.os_layers.status import LayerStatus, disabled, failed

LAYER_NAMES: tuple[str, ...] = ("rlimits", "uid", "netns", "seccomp", "landlock")


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
    """Once in the zygote, before any fork: enter the network namespace every child
    inherits; pre-build the seccomp filter and look up the Landlock ABI, so children only
    apply them. Returns the status of what is shared (netns); `probe` reports the rest."""
    check_names(enabled)
    if "seccomp" in enabled:
        seccomp.prepare()
    if "landlock" in enabled:
        landlock.prepare()
    return [_guarded("netns", netns.enter) if "netns" in enabled else disabled("netns")]


def apply_child(
    enabled: frozenset[str], *, memory_mb: int, cpu_seconds: int, readable_paths: Sequence[str]
) -> list[LayerStatus]:
    """In each forked child, before learner code. The order matters: limits first (they
    measure the runtime as it is); Landlock while we may still open the paths it grants
    (the Python installation may be readable by root only); the uid drop; seccomp last,
    so its deny list never has to leave room for set-up calls."""
    check_names(enabled)
    steps: list[tuple[str, Callable[[], LayerStatus]]] = [
        ("rlimits", lambda: rlimits.apply(memory_mb=memory_mb, cpu_seconds=cpu_seconds)),
        ("landlock", lambda: landlock.apply(readable_paths)),
        ("uid", uid.apply),
        ("netns", netns.inherited),
        ("seccomp", seccomp.apply),
    ]
    return _in_order(
        {name: _guarded(name, step) if name in enabled else disabled(name) for name, step in steps}
    )
