"""The sandbox pool and its limits as the settings ask for them: built here only.

Light on purpose (the settings and the sandbox package, no store, lessons or numpy), so
commands that only run code, such as `sandbox`, start without the rest of the bot.
"""

from __future__ import annotations

from bot.settings import Settings
from sandbox import Limits, Sandbox, SandboxOptions
from sandbox.zygote_launch import LaunchedZygote


def sandbox_limits(
    settings: Settings, *, timeout_s: float | None = None, memory_mb: int | None = None
) -> Limits:
    """The per-run limits from the settings; a command's own flags may override them."""
    return Limits(
        timeout_s=settings.sandbox_timeout_s if timeout_s is None else timeout_s,
        memory_mb=settings.sandbox_memory_mb if memory_mb is None else memory_mb,
    )


def open_sandbox(
    settings: Settings,
    *,
    workers: int | None = None,
    limits: Limits | None = None,
    every_layer: bool = False,
    launched: LaunchedZygote | None = None,
) -> Sandbox:
    """Not yet open: `async with open_sandbox(settings) as sandbox`. `every_layer`: ignore
    SANDBOX_ALLOW_MISSING_LAYERS, which only `run` and `local` honour (see the README).
    `launched`: a zygote the command started before it read the settings."""
    options = (
        None
        if every_layer
        else SandboxOptions(allow_missing_layers=settings.sandbox_allow_missing_layers)
    )
    return Sandbox(
        workers=settings.sandbox_workers if workers is None else workers,
        limits=sandbox_limits(settings) if limits is None else limits,
        options=options,
        launched=launched,
    )
