"""The one value every OS layer reports: is it on, and why (not)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LayerStatus:
    name: str
    active: bool
    detail: str  # one line: what it does, or why it is unavailable/skipped
    # Inactive because this host does not offer it (or it was switched off), as opposed to
    # a layer the host offers that failed to apply or does not hold.
    missing: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "active": self.active, "detail": self.detail,
                "missing": self.missing}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LayerStatus:
        missing = bool(data.get("missing", False))
        return cls(str(data["name"]), bool(data["active"]), str(data["detail"]), missing)


def disabled(name: str) -> LayerStatus:
    return LayerStatus(name, False, "disabled by configuration", missing=True)


def failed(name: str, exc: BaseException) -> LayerStatus:
    """A layer whose set-up raised: reported, never propagated."""
    return LayerStatus(name, False, f"failed: {type(exc).__name__}: {exc}")
