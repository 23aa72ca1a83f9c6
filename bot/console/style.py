"""What this terminal can show: colour and symbols on a terminal, plain text elsewhere."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TextIO

from rich.text import Text


@dataclass(frozen=True)
class Style:
    colour: bool = False
    unicode: bool = True

    @classmethod
    def for_stream(cls, stream: TextIO, *, colour: bool | None = None) -> Style:
        """Colour only on a terminal, unless NO_COLOR / FORCE_COLOR or `colour` say otherwise
        (https://no-color.org)."""
        if colour is None:
            if os.environ.get("NO_COLOR"):
                colour = False
            elif os.environ.get("FORCE_COLOR"):
                colour = True
            else:
                colour = _isatty(stream) and os.environ.get("TERM") != "dumb"
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        return cls(colour=colour, unicode=encoding in ("utf8", "utf_8"))

    def mark(self, passed: bool | None) -> Text:
        """The mark before a check: passed, failed, or could not be checked."""
        if passed is None:
            return Text("–" if self.unicode else "-", style="dim")
        if passed:
            return Text("✓" if self.unicode else "+", style="green")
        return Text("✗" if self.unicode else "x", style="red")

    def symbol(self, fancy: str, plain: str) -> str:
        return fancy if self.unicode else plain


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
