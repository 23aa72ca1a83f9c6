"""Where terminal text goes: rich renders it, in colour on a terminal and as clean plain
text when the output is piped or colour is off."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TextIO

from rich.console import Console, RenderableType

from bot.console.style import Style

# Piped output is read by scripts and other programs: it is not cut to a width.
PLAIN_WIDTH = 100


class Output:
    def __init__(self, stream: TextIO, style: Style, *, width: int | None = None) -> None:
        self.stream = stream
        self.style = style
        self.console = Console(
            file=stream,
            force_terminal=style.colour,  # False: no escape codes at all, whatever NO_COLOR says
            no_color=not style.colour,
            color_system="auto" if style.colour else None,
            width=width if width is not None or style.colour else PLAIN_WIDTH,
            markup=False,  # learners' text and output are never taken as rich markup
            highlight=False,
            emoji=False,
            soft_wrap=not style.colour,  # plain: one line stays one line
        )

    def show(self, *items: RenderableType | str) -> None:
        """Print the items, one under the other, then a blank line."""
        with self.console.capture() as captured:
            for item in items:
                self.console.print(item)
        text = captured.get()
        if not self.style.colour:
            # Code blocks and tables pad lines to the width; plain text has no such tails.
            text = "\n".join(line.rstrip() for line in text.split("\n"))
        self.stream.write(text.rstrip("\n") + "\n\n")
        self.stream.flush()

    @contextlib.contextmanager
    def status(self, message: str) -> Iterator[None]:
        """A spinner while something slow runs; without colour, the message as a line."""
        if not self.style.colour:
            self.stream.write(message + "\n")
            self.stream.flush()
            yield
            return
        with self.console.status(message, spinner="dots" if self.style.unicode else "line"):
            yield
