"""Find the learner's code in what they sent: a Discord-style message or a plain file.

One place for this rule, used by every front end and by the CLI commands.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from sandbox.ast_lock import AST_LOCK

# An opening fence: ``` plus an optional language tag on the same line.
_FENCE_OPEN = re.compile(r"^[ \t]*```[ \t]*([A-Za-z0-9_+-]*)[ \t]*$", re.MULTILINE)
_FENCE_CLOSE = re.compile(r"^[ \t]*```[ \t]*$", re.MULTILINE)
_PYTHON_TAGS = {"python", "py", "python3", "py3", ""}

HOW_TO_FORMAT = (
    "Put your code in a fenced block: a line with ```python, then your code, "
    "then a line with only ``` to close it."
)


@dataclass(frozen=True)
class Extraction:
    code: str | None  # None when there is nothing to grade
    fenced: bool  # the code came from a fenced block
    problem: str | None = None  # why no code was found, in the sender's terms


def extract_code(text: str, *, require_fence: bool = False) -> Extraction:
    """Return the Python fenced blocks (joined, in order); without a fence, the whole text
    when it parses as Python.

    `require_fence=True` is for chat messages: text without a fence is conversation, not a
    submission, and an opened but unclosed fence is reported so the sender can fix it.
    Otherwise (files, forms, the terminal) unfenced text is code only if it parses as
    Python; if not, the problem names the line, in case it is code with a typo.
    """
    text = text.replace("\r\n", "\n")
    blocks = _fenced_blocks(text)
    tagged = [code for tag, code in blocks if tag.lower() in _PYTHON_TAGS - {""}]
    untagged = [code for tag, code in blocks if not tag]
    if blocks and not any(code.strip() for _, code in blocks):
        # An empty block is a slip (Enter pressed too soon), not an attempt at the lesson.
        return Extraction(
            code=None,
            fenced=True,
            problem="That code block is empty: put your code between the ```python line "
            "and the closing ```.",
        )
    if tagged:
        # Learners often split one program over several blocks with prose between them;
        # untagged blocks beside tagged ones are usually output or a traceback.
        return Extraction(code="\n".join(tagged), fenced=True)
    if untagged:
        code = "\n".join(untagged)
        problem = _not_python(code, "That code block")
        if problem is not None:  # a pasted traceback or output, or code with a typo
            return Extraction(code=None, fenced=True, problem=problem)
        return Extraction(code=code, fenced=True)
    if blocks:
        return Extraction(
            code=None,
            fenced=True,
            problem="That code block isn't tagged as Python. " + HOW_TO_FORMAT,
        )
    if _has_unclosed_fence(text):
        return Extraction(
            code=None, fenced=False, problem="Your code block is never closed. " + HOW_TO_FORMAT
        )
    # Inline `single backticks` or a stray fence mid-line are not code blocks.
    if "```" in text:
        return Extraction(code=None, fenced=False, problem=HOW_TO_FORMAT)
    if require_fence:
        return Extraction(code=None, fenced=False, problem=None)
    if not text.strip():
        return Extraction(code=None, fenced=False, problem="There is no code in it.")
    return _unfenced(text)


def _unfenced(text: str) -> Extraction:
    problem = _not_python(text, "This")
    return Extraction(code=None if problem else text, fenced=False, problem=problem)


def _not_python(code: str, subject: str) -> str | None:
    """Why `code` doesn't parse as Python, in the sender's terms; None when it does."""
    try:
        with AST_LOCK:  # the grader compiles on worker threads meanwhile (see ast_lock)
            ast.parse(code)
    except SyntaxError as exc:
        where = f"line {exc.lineno}: {exc.msg}" if exc.lineno else exc.msg
        line = (exc.text or "").strip()
        shown = f" (`{line[:80]}`)" if line and "`" not in line else ""
        return (
            f"{subject} doesn't read as Python ({where}{shown}). If it is code, fix that "
            f"line; if it isn't, {HOW_TO_FORMAT[0].lower()}{HOW_TO_FORMAT[1:]}"
        )
    except (RecursionError, MemoryError, ValueError):
        pass  # too deeply nested to check here: the sandbox says so in its own words
    return None


def extract_from_file(text: str) -> Extraction:
    """A file is code by nature: with no fence at all it runs as it is, so a syntax error
    gets a verdict with its line and caret; a file holding a chat message is read as one."""
    if "```" in text:
        return extract_code(text)
    if not text.strip():
        return Extraction(code=None, fenced=False, problem="There is no code in it.")
    return Extraction(code=text.replace("\r\n", "\n"), fenced=False)


def _fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(language tag, code) for each closed fenced block, in order."""
    blocks: list[tuple[str, str]] = []
    pos = 0
    while (opening := _FENCE_OPEN.search(text, pos)) is not None:
        closing = _FENCE_CLOSE.search(text, opening.end())
        if closing is None:
            break
        code = text[opening.end() + 1 : closing.start()]
        blocks.append((opening.group(1), code.rstrip("\n") + "\n" if code.strip() else ""))
        pos = closing.end()
    # Discord also accepts ```python code``` on one line; treat it like a block.
    if not blocks:
        for match in re.finditer(r"```(?:python|py)?[ \t]+([^`\n][^`]*?)```", text):
            blocks.append(("python", match.group(1).strip() + "\n"))
    return blocks


def _has_unclosed_fence(text: str) -> bool:
    return _FENCE_OPEN.search(text) is not None
