"""A module-scoped sandbox for tests: one zygote per test module keeps the suite quick."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from sandbox import Limits, Sandbox, SandboxOptions

FAST_LIMITS = Limits(timeout_s=1.0, memory_mb=128)


def sandbox_fixture(options: SandboxOptions | None = None, workers: int = 2):  # type: ignore[no-untyped-def]
    @pytest_asyncio.fixture(scope="module", loop_scope="module")
    async def fixture() -> AsyncIterator[Sandbox]:
        async with Sandbox(workers=workers, limits=FAST_LIMITS, options=options) as sandbox:
            yield sandbox

    return fixture
