"""Fail closed: the OS layers a pool must have before it may run anyone's code."""

from __future__ import annotations

from collections.abc import Iterable

from sandbox.os_layers.hints import how_to_enable
from sandbox.zygote_client import LayerReport


def refusals(layers: Iterable[LayerReport], allow_missing: frozenset[str]) -> list[str]:
    """Why the pool must not start: a layer the host offers that failed to apply (always),
    or one the host lacks that `allow_missing` does not name. Empty when it may start."""
    problems = []
    for layer in layers:
        if layer.active:
            continue
        if not layer.missing:
            problems.append(f"the {layer.name} layer failed to apply: {layer.detail}")
        elif layer.name not in allow_missing:
            problems.append(
                f"the {layer.name} layer is missing ({layer.detail}); to enable it: "
                f"{how_to_enable(layer.name)}; or accept the risk with "
                f"SANDBOX_ALLOW_MISSING_LAYERS={layer.name}"
            )
    return problems
