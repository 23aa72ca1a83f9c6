"""Text from outside (a pipe, a file, argv, a chat payload) made safe to store and to send."""

from __future__ import annotations


def valid_unicode(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD.

    Python decodes bytes that are not UTF-8 on stdin and argv as lone surrogates, and JSON
    may carry them escaped; SQLite and every encoder refuse them. Other text is unchanged.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    return text
