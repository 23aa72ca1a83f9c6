"""What a child may read: the Python installation and the packages the runtime imports."""

from __future__ import annotations

import importlib.util
import os
import sys

_PACKAGES = ("numpy", "RestrictedPython", "sandbox")


def _package_dirs(name: str) -> list[str]:
    module = sys.modules.get(name)
    if module is not None and getattr(module, "__path__", None):
        return list(module.__path__)
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return []
    return list(spec.submodule_search_locations)


def default_readable_paths() -> list[str]:
    """Realpaths of sys.prefix, sys.base_prefix, sys.exec_prefix and of the numpy,
    RestrictedPython and sandbox packages; de-duplicated, and without paths already
    beneath another entry (a Landlock rule covers everything beneath its directory)."""
    candidates = [sys.prefix, sys.base_prefix, sys.exec_prefix]
    for name in _PACKAGES:
        candidates += _package_dirs(name)
    unique = sorted({os.path.realpath(path) for path in candidates}, key=len)
    kept: list[str] = []
    for path in unique:
        if not any(path == root or path.startswith(root.rstrip("/") + "/") for root in kept):
            kept.append(path)
    return kept
