"""Every conversion between CPython's C syntax tree and `ast` objects in the bot's process
holds one lock: CPython 3.11 corrupts its recursion count when two threads convert at once
("SystemError: AST constructor recursion depth mismatch"), which a stress run of the suite
hit with the reference solution compiling on a worker thread."""

from __future__ import annotations

import threading
from types import TracebackType

import pytest

import bot.code_extraction
import sandbox.policy
from bot.code_extraction import extract_code
from sandbox.policy import compile_learner_code


class RecordingLock:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entered = 0

    def __enter__(self) -> None:
        self.lock.acquire()
        self.entered += 1

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.lock.release()


@pytest.fixture
def lock(monkeypatch: pytest.MonkeyPatch) -> RecordingLock:
    recording = RecordingLock()
    monkeypatch.setattr(sandbox.policy, "AST_LOCK", recording)
    monkeypatch.setattr(bot.code_extraction, "AST_LOCK", recording)
    return recording


def test_compiling_learner_code_holds_the_lock(lock: RecordingLock) -> None:
    compile_learner_code("w = 1\nw += 2\n")
    compile_learner_code("def f(:\n")  # a syntax error too
    assert lock.entered == 2


def test_checking_unfenced_text_parses_under_the_lock(lock: RecordingLock) -> None:
    extract_code("w = w - lr * grad")
    assert lock.entered == 1


def test_compiles_on_many_threads_at_once_all_succeed() -> None:
    source = "import numpy as np\n" + "x = [[1, (2, {3: [4]})]] * 2\n" * 200
    failures: list[BaseException] = []

    def compile_many() -> None:
        for _ in range(30):
            try:
                compile_learner_code(source)
                extract_code(source)
            except BaseException as exc:
                failures.append(exc)

    threads = [threading.Thread(target=compile_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
