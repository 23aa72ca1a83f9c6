"""The terminal front end: read a line, run a command or grade pasted code, print.

A thin adapter over the tutor core, like the Discord cogs: every decision about lessons,
locks and grading is the core's; this file only reads and renders.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
from collections.abc import Awaitable
from pathlib import Path
from typing import TextIO

from rich.console import RenderableType
from rich.text import Text

from bot.console.interrupts import ctrl_c_cancels_this_task
from bot.console.lessons_text import render_hint, render_lesson, render_list, render_solution
from bot.console.markdown import literal, message
from bot.console.output import Output
from bot.console.parsing import (
    BadUsage,
    CodeStart,
    Command,
    Prose,
    Unknown,
    help_text,
    parse_line,
)
from bot.console.plot_files import PendingPlot, pending_plot, save_plot, target_path
from bot.console.reader import LineReader
from bot.console.standing_text import render_leaderboard, render_progress
from bot.console.style import Style
from bot.console.verdict_text import render_outcome
from bot.core import Learner, TutorCore, TutorError, WrongLesson
from bot.plots import Plotter
from bot.source_files import SourceFileError, read_source

log = logging.getLogger(__name__)

PROMPT = "tutor> "
CONTINUATION = "....> "
_TAGGED_FENCE = re.compile(r"^\s*```\s*[A-Za-z0-9_+-]+\s*$")  # ```python opens, never closes


class ConsoleSession:
    def __init__(
        self,
        core: TutorCore,
        learner: Learner,
        reader: LineReader,
        out: TextIO,
        style: Style,
        *,
        plotter: Plotter | None = None,
        plot_dir: Path | None = None,
    ) -> None:
        self.core = core
        self.learner = learner
        self.reader = reader
        self.out = out
        self.style = style
        self.output = Output(out, style)
        self.plotter = plotter  # None: no pictures in this session
        self.plot_dir = plot_dir  # set: every verdict's plot is saved there at once
        self._last_plot: PendingPlot | None = None

    async def run(self) -> int:
        await self._guard(self._welcome())
        while True:
            line = await self.reader.readline(PROMPT)
            if line is None:
                break
            parsed = parse_line(line)
            if parsed is None:
                continue
            if isinstance(parsed, Command) and parsed.name == "quit":
                break
            if isinstance(parsed, CodeStart):
                code = await self._read_code(line, fenced=parsed.fenced)
                if code is not None:
                    await self._guard(self._submit(code))
            elif isinstance(parsed, Command):
                await self._guard(self._command(parsed))
            elif isinstance(parsed, BadUsage):
                self.say(f"Usage: {parsed.spec.usage} ({parsed.spec.summary}).")
            elif isinstance(parsed, Unknown):
                self.say(
                    f"I don't know the command “{literal(parsed.word)}”. Type `help` for the list."
                )
            elif isinstance(parsed, Prose):
                self.say(
                    "That is neither a command nor Python code. Type `help` for the commands "
                    "(`hint` helps with the lesson). To submit, paste your code: a ```python "
                    "block, or plain code ending with a line holding only ```."
                )
        self.say("Bye! Your progress is saved.")
        return 0

    def say(self, text: str, *, style: str = "none") -> None:
        """A message in inline Markdown: `commands` show as code, never as backticks."""
        self.show(message(text, style=style))

    def show(self, *items: RenderableType) -> None:
        self.output.show(*items)

    async def _guard(self, step: Awaitable[None]) -> None:
        """The one place errors become messages: the learner's own as they are, ours as a
        short apology with an id to find the traceback in the log."""
        try:
            await step
        except WrongLesson as error:  # the terminal opens lessons with its own commands
            text = error.text(open_next="`next`", open_it=f"`show {error.lesson.number}`")
            self.say(text, style="yellow")
        except TutorError as error:
            self.say(error.message, style="yellow")
        except Exception:
            error_id = secrets.token_hex(4)
            log.exception("console command failed (error id %s)", error_id)
            self.say(
                f"Sorry, something went wrong on our side (error {error_id}). "
                "Your progress is safe; please try again.",
                style="red",
            )

    async def _welcome(self) -> None:
        progress = await self.core.progress(self.learner)
        name = self.learner.display_name
        if progress.attempts == 0 and progress.completed == 0:
            self.show(
                Text(f"Welcome to Gradient Tutor, {name}!", style="bold"),
                message(
                    f"{progress.total} lessons on how neural networks learn, in NumPy. "
                    "Type `next` to start and `help` for the commands."
                ),
            )
        else:
            self.show(
                message(
                    f"**Welcome back, {literal(name)}!** You have passed {progress.completed} "
                    f"of {progress.total} lessons. "
                    "Type `next` to continue and `help` for the commands."
                )
            )

    async def _command(self, command: Command) -> None:
        arg = command.args[0] if command.args else None
        match command.name:
            case "next":
                self.show(render_lesson(await self.core.next_lesson(self.learner), self.style))
            case "lesson":
                self.show(render_lesson(await self.core.current_lesson(self.learner), self.style))
            case "list":
                self.show(render_list(await self.core.list_lessons(self.learner), self.style))
            case "show":
                assert arg is not None
                self.show(render_lesson(await self.core.show_lesson(self.learner, arg), self.style))
            case "submit":
                await self._submit_command(arg)
            case "hint":
                self.show(render_hint(await self.core.hint(self.learner, arg), self.style))
            case "solution":
                solution = await self.core.solution_view(self.learner, arg)
                self.show(render_solution(solution.lesson, solution.code, self.style))
            case "progress":
                self.show(render_progress(await self.core.progress(self.learner), self.style))
            case "leaderboard":
                await self._leaderboard(arg)
            case "plot":
                await self._plot(arg)
            case "help":
                self.show(help_text())

    async def _leaderboard(self, arg: str | None) -> None:
        if arg is not None and not (arg.isdigit() and int(arg) >= 1):
            self.say("Usage: leaderboard [PAGE], where PAGE is 1 or more.")
            return
        page = await self.core.leaderboard(self.learner.scope, page=int(arg or 1) - 1)
        self.show(render_leaderboard(page, self.style, me=self.learner.user_id))

    async def _submit_command(self, path: str | None) -> None:
        if path is None:
            self.say("Paste your code; end it with a line holding only ``` (or Ctrl-D).")
            code = await self._read_code(None, fenced=False)
            if code is not None:
                await self._submit(code)
            return
        try:
            text = read_source(path)
        except SourceFileError as error:
            reason = str(error)  # "can't read FILE: ..." or "FILE is too big: ..."
            self.show(Text(f"{reason[0].upper()}{reason[1:]}."))
            return
        await self._submit(text)

    async def _read_code(self, first: str | None, *, fenced: bool) -> str | None:
        """Collect a paste: a fenced block up to its closing fence, or plain code up to a
        line holding only ``` or the end of input. A chat-style message (a line of text,
        then a ```python block) ends where its block closes. Ctrl-C cancels the paste
        (None) and the session goes on."""
        with ctrl_c_cancels_this_task():
            try:
                return await self._collect_paste(first, fenced=fenced)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if task is None or task.uncancel() > 0:
                    raise  # cancelled by someone else too: not ours to swallow
        self.out.write("\n")
        self.say("Paste cancelled; nothing was graded. Type `help` for the commands.")
        if self.reader.interactive:
            self.out.write(PROMPT)  # the read under way goes on, now for a command
            self.out.flush()
        return None

    async def _collect_paste(self, first: str | None, *, fenced: bool) -> str | None:
        if first is None:
            first = await self.reader.readline(CONTINUATION)
            if first is None:
                return None
            fenced = first.strip() == "```"
        lines = [first]
        in_block = fenced
        while True:
            line = await self.reader.readline(CONTINUATION)
            if line is None:
                break
            if line.strip() == "```":
                if in_block:
                    lines.append(line)
                break
            in_block = in_block or _TAGGED_FENCE.match(line) is not None
            lines.append(line)
        if in_block and lines[-1].strip() != "```":
            lines.append("```")  # input ended inside the block: close it for them
        return "\n".join(lines) + "\n"

    async def _submit(self, text: str) -> None:
        spinner = self.output.status("Grading…") if self.reader.interactive else None
        with spinner or contextlib.nullcontext():
            outcome = await self.core.submit(self.learner, text, as_file=True)
        self.show(render_outcome(outcome, self.style))
        if self.plotter is None:
            return
        self._last_plot = None
        if not outcome.lesson.trains:
            return
        statuses = await self.core.list_lessons(self.learner)
        tries = next((s.attempts for s in statuses if s.lesson.id == outcome.lesson.id), 0)
        self._last_plot = pending_plot(outcome, max(tries, 1))
        if self._last_plot is None:
            return
        if self.plot_dir is not None:
            await self._plot(str(self.plot_dir) + "/")
        else:
            self.say("Type `plot` to save this verdict's loss plot as a PNG.", style="dim")

    async def _plot(self, requested: str | None) -> None:
        if self.plotter is None:
            self.say("Plots are turned off in this session.")
            return
        if self._last_plot is None:
            self.say(
                "No plot yet: the verdicts of training lessons come with one. "
                "Submit an answer to a training lesson first."
            )
            return
        path = target_path(self._last_plot, requested, Path.cwd())
        try:
            await save_plot(self.plotter, self._last_plot, path)
        except OSError as error:
            self.show(Text(f"I couldn't write {path}: {error.strerror or error}."))
            return
        self.show(Text(f"Loss plot of lesson {self._last_plot.lesson_number} saved to {path}"))
