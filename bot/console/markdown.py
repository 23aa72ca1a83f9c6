"""Lesson text (Discord-flavoured Markdown) as rich Markdown: headings, emphasis, lists and
syntax-highlighted Python code. Plain output keeps the words and drops the symbols."""

from __future__ import annotations

import re

from rich.markdown import Markdown

CODE_THEME = "monokai"


def markdown(text: str, *, style: str = "none") -> Markdown:
    return Markdown(
        text.replace("\r\n", "\n"),
        style=style,
        code_theme=CODE_THEME,
        inline_code_lexer="python",
        inline_code_theme=CODE_THEME,
        hyperlinks=False,
    )


def python_code(code: str) -> Markdown:
    """A block of Python, highlighted like the code in lessons."""
    return markdown(f"```python\n{code.rstrip()}\n```")


# ``` named inside a sentence ("end it with a line holding only ```") is something to type,
# not the start of a block: a double-backtick code span shows it as it is.
_FENCE_MENTION = re.compile(r"(?<!`)```([A-Za-z0-9]*)(?!`)")


def message(text: str, *, style: str = "none") -> Markdown:
    """A one-paragraph message with inline Markdown (`commands`, **words**)."""
    return markdown(_FENCE_MENTION.sub(r"`` ```\1 ``", text), style=style)


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")


def literal(text: str) -> str:
    """Text from outside (a path, a name) put into a message as it is, never as Markdown."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
