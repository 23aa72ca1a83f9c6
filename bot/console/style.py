"""Colour and symbols when the terminal supports them, plain ASCII-safe text when not."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TextIO

_CODES = {
    "bold": "1",
    "dim": "2",
    "underline": "4",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
}


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

    def paint(self, text: str, *styles: str) -> str:
        if not self.colour or not styles or not text:
            return text
        codes = ";".join(_CODES[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"

    def mark(self, passed: bool | None) -> str:
        """The mark before a check: passed, failed, or could not be checked."""
        if passed is None:
            return self.paint("–" if self.unicode else "-", "dim")
        if passed:
            return self.paint("✓" if self.unicode else "+", "green")
        return self.paint("✗" if self.unicode else "x", "red")

    def symbol(self, fancy: str, plain: str) -> str:
        return fancy if self.unicode else plain


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
