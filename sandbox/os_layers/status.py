"""The one value every OS layer reports: is it on, and why (not)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LayerStatus:
    name: str
    active: bool
    detail: str  # one line: what it does, or why it is unavailable/skipped

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "active": self.active, "detail": self.detail}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LayerStatus:
        return cls(name=str(data["name"]), active=bool(data["active"]), detail=str(data["detail"]))


def disabled(name: str) -> LayerStatus:
    return LayerStatus(name, False, "disabled by configuration")


def failed(name: str, exc: BaseException) -> LayerStatus:
    """A layer whose set-up raised: reported, never propagated."""
    return LayerStatus(name, False, f"failed: {type(exc).__name__}: {exc}")
