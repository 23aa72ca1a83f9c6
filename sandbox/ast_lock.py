"""One lock for CPython's conversions between its C syntax tree and Python `ast` objects.

CPython 3.11 tracks the recursion depth of those conversions in per-interpreter state, so
two threads converting at once can corrupt the count and fail with "SystemError: AST
constructor recursion depth mismatch" (CPython gh-106905). The bot does this on several
threads of one process: code extraction parses on the event loop, and the reference
solution is compiled on the grader's worker threads. Every `ast.parse` and every compile
of an `ast` tree in the bot's process holds this lock.

The lock comes from `_thread` (it is the very type `threading.Lock()` returns): the zygote
imports this module through the policy, and importing `threading` there would run its
at-fork handler in every forked sandbox child.
"""

from __future__ import annotations

from _thread import allocate_lock

AST_LOCK = allocate_lock()
