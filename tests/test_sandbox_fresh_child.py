"""A fresh child's start: the raw fork and the fast reseed, against what they replace.

Each check runs in a forked process of its own, so the test process's generators and
threads are not what is measured (pytest may run threads of its own)."""

from __future__ import annotations

import json
import os
import random
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from sandbox import Sandbox, Status, fresh_child
from sandbox.fresh_child import ForkStart, Reseeder


def in_fork(body: Callable[[], Any]) -> Any:
    """Run `body` in a forked child and return what it returned (as JSON)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            os.write(write, json.dumps(body()).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    return json.loads(b"".join(chunks))


def test_the_fast_reseed_writes_exactly_the_state_numpy_reports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def body() -> dict[str, Any]:
        reseed = Reseeder()
        fast = reseed.prepare()
        known = bytes(range(256)) * 10
        monkeypatch.setattr(fresh_child.os, "urandom", lambda n: known[:n])
        reseed()
        state = np.random.get_state(legacy=False)
        expected = np.frombuffer(known[: 4 * 624], dtype=np.uint32)
        twin = np.random.RandomState()
        twin.set_state(("MT19937", expected, 624))
        return {
            "fast": fast,
            "key": bool(np.array_equal(state["state"]["key"], expected)),
            "pos": int(state["state"]["pos"]),
            "gauss": bool(state["has_gauss"]),
            "draws": [float(np.random.rand()), float(twin.rand())],
            "python": [
                random.random(),
                random.Random(int.from_bytes(known[:32], "little")).random(),
            ],
        }

    seen = in_fork(body)
    assert seen["fast"] is True
    assert seen["key"] and seen["pos"] == 624 and not seen["gauss"]
    assert seen["draws"][0] == seen["draws"][1]  # the same stream as NumPy's own set_state
    assert seen["python"][0] == seen["python"][1]


def test_a_reseed_that_numpy_does_not_confirm_falls_back_to_np_random_seed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def body() -> list[float]:
        monkeypatch.setattr(np.random, "get_state", lambda legacy=False: {"state": {}})
        reseed = Reseeder()
        fast = reseed.prepare()
        monkeypatch.undo()
        draws = []
        for _ in range(3):
            np.random.seed(7)
            reseed()
            draws.append(float(np.random.rand()))
        return [float(fast), *draws]

    fast, *draws = in_fork(body)
    assert fast == 0.0
    assert len(set(draws)) == 3  # still fresh, through the slow path


def test_children_of_the_raw_fork_run_and_each_reseed_differs() -> None:
    def body() -> dict[str, Any]:
        fork = ForkStart()
        raw = fork.choose()
        reseed = Reseeder()
        reseed.prepare()
        draws = []
        for _ in range(3):
            read, write = os.pipe()
            pid = fork()
            if pid == 0:  # pragma: no cover - the grandchild
                reseed()
                os.write(write, json.dumps([float(np.random.rand()), random.random()]).encode())
                os._exit(0)
            os.close(write)
            draws.append(json.loads(os.read(read, 4096)))
            os.close(read)
            _, status = os.waitpid(pid, 0)
            assert os.WEXITSTATUS(status) == 0
        return {"raw": raw, "draws": draws}

    seen = in_fork(body)
    assert seen["raw"] is True  # a forked child of the test runs one thread
    assert len({d[0] for d in seen["draws"]}) == 3
    assert len({d[1] for d in seen["draws"]}) == 3


def test_a_process_with_a_second_thread_keeps_os_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    def body() -> list[bool]:
        stop = threading.Event()
        thread = threading.Thread(target=stop.wait)
        thread.start()
        try:
            fork = ForkStart()
            raw = fork.choose()
            forks = []
            real_fork = os.fork
            monkeypatch.setattr(fresh_child.os, "fork", lambda: forks.append(1) or real_fork())
            pid = fork()
            if pid == 0:  # pragma: no cover - the grandchild
                os._exit(0)
            os.waitpid(pid, 0)
            return [raw, forks == [1]]
        finally:
            stop.set()
            thread.join()

    assert in_fork(body) == [False, True]


@pytest.mark.asyncio
async def test_the_zygote_forks_its_children_with_libc_fork() -> None:
    """The zygote runs one thread (OpenBLAS is held to one), so it takes the cheap fork;
    a library that started a thread there would silently cost every run ~0.5 ms."""
    async with Sandbox(workers=1) as sandbox:
        result = await sandbox.run("x = 1\n", probes={"x": "x"})
        zygote = sandbox._zygote
        assert zygote is not None and zygote.raw_fork
    assert result.status is Status.OK and result.probes["x"].value == 1
