"""Soak and chaos: the real `python -m bot run` process against the Discord emulator.

Learners post a mix of submissions (correct, wrong, infinite loops, memory bombs, output
floods, syntax errors, escape attempts, edits and deletions) through the emulator's gateway
while another member runs `/lesson list` every half second. Midway the sandbox zygote is
SIGKILLed with a run in flight; at the end the bot itself is SIGKILLed mid-grading and
restarted on the same database. `run_soak` returns the numbers and every broken invariant
(`SoakReport.problems`); `tests/test_soak.py` runs a short form, `benchmarks/soak.py` the
full one.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sqlite3
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lessons import load_course
from tests.discord_emulator import DiscordEmulator
from tests.discord_emulator.harness import started_emulator
from tests.discord_emulator.state import Json

REPO = Path(__file__).resolve().parents[1]
COURSE = load_course()
PASSED, NOT_PASSED, GRADING, REFUSED = "✅", "❌", "⏳", "refused"
STILL_GRADING = "still grading your last submission"
WAIT_S = 60.0  # for any one verdict: generous, the machine may be loaded

LOOP = "while True:\n    pass\n"
MEMORY_BOMB = "hog = [0] * (10 ** 9)\n"
FLOOD = "while True:\n    print('flood ' * 50)\n"
# Names no lesson asks for: `def forward` would look like lesson 3's code to a learner with
# lesson 3 open, and get the wrong-lesson notice instead of a verdict.
SYNTAX_ERROR = "def my_step(x:\n    return x\n"
ESCAPES = (
    "import os\nos.system('id')\n",
    "import subprocess\n",
    "open('/etc/passwd').read()\n",
    "().__class__.__bases__[0].__subclasses__()\n",
    "import numpy as np\nnp.load('/etc/passwd')\n",
    "eval('1 + 1')\n",
)
# Kind -> weight. Correct answers move learners through the course.
KINDS = {
    "correct": 30,
    "wrong": 22,
    "loop": 7,
    "memory": 7,
    "flood": 7,
    "syntax": 8,
    "escape": 9,
    "edit": 6,
    "delete": 4,
}


@dataclass(frozen=True)
class SoakConfig:
    learners: int = 20
    submissions: int = 1000
    list_every_s: float = 0.5
    min_list_calls: int = 10  # /lesson list goes on until this many, however fast the load ends
    kill_zygote: bool = True
    kill_bot: bool = True
    sandbox_timeout_s: float = 1.0
    workers: int = 2
    seed: int = 10


@dataclass
class SoakReport:
    config: SoakConfig
    submissions: int = 0  # messages posted (an edit's re-grade is not a new message)
    gradings: int = 0  # gradings the bot should have recorded (edits count twice)
    kinds: Counter[str] = field(default_factory=Counter)
    verdicts: Counter[str] = field(default_factory=Counter)  # final reaction per message
    list_latencies_s: list[float] = field(default_factory=list)
    rss_start_mb: float = 0.0
    rss_end_mb: float = 0.0
    zygote_pids: list[int] = field(default_factory=list)
    zygote_kill: dict[str, Any] = field(default_factory=dict)
    bot_kill: dict[str, Any] = field(default_factory=dict)
    attempts_in_db: int = 0
    refusals: int = 0  # "still grading your last submission": answered, not graded
    passes_in_db: int = 0
    load_s: float = 0.0
    total_s: float = 0.0
    stall_warnings: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def zygote_restarts(self) -> int:
        return max(0, len(self.zygote_pids) - 1)

    def list_p99_s(self) -> float:
        return _percentile(self.list_latencies_s, 99)

    def summary(self) -> str:
        lat = self.list_latencies_s
        lines = [
            f"learners {self.config.learners}, submissions {self.submissions} "
            f"(gradings {self.gradings}) in {self.load_s:.0f} s; total run {self.total_s:.0f} s",
            f"kinds {dict(sorted(self.kinds.items()))}",
            f"final reactions {dict(self.verdicts)} (refused while still grading: {self.refusals})",
            f"/lesson list: {len(lat)} calls, p50 {_percentile(lat, 50) * 1000:.0f} ms, "
            f"p99 {self.list_p99_s() * 1000:.0f} ms, max {max(lat, default=0) * 1000:.0f} ms",
            f"bot RSS {self.rss_start_mb:.1f} MB -> {self.rss_end_mb:.1f} MB "
            f"(growth {self.rss_end_mb - self.rss_start_mb:+.1f} MB)",
            f"zygote restarts {self.zygote_restarts} (pids seen {len(self.zygote_pids)})",
            f"attempts in db {self.attempts_in_db} (passed {self.passes_in_db})",
            f"loop stall warnings in the bot's log {self.stall_warnings}",
            f"zygote SIGKILL: {self.zygote_kill}",
            f"bot SIGKILL + restart: {self.bot_kill}",
            f"problems: {len(self.problems)}",
            *(f"  - {p}" for p in self.problems[:30]),
        ]
        return "\n".join(lines)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def fenced(code: str) -> str:
    return f"```python\n{code}```"


class BotProcess:
    """`python -m bot run` on the emulator, its log in a file (a pipe could fill and block)."""

    def __init__(self, emulator: DiscordEmulator, folder: Path, config: SoakConfig) -> None:
        self.emulator = emulator
        self.folder = folder
        self.config = config
        self.process: asyncio.subprocess.Process | None = None
        self.log_path = folder / "bot.log"

    @property
    def db_path(self) -> Path:
        return self.folder / "tutor.sqlite3"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DEV_GUILD"))}
        env |= {
            "DATABASE_PATH": str(self.db_path),
            "SANDBOX_WORKERS": str(self.config.workers),
            "SANDBOX_TIMEOUT": str(self.config.sandbox_timeout_s),
            "SUBMISSION_COOLDOWN": "0",
            "DISCORD_TOKEN": self.emulator.token,
            "DEV_GUILD_ID": str(self.emulator.guild_id),
            "DISCORD_API_BASE": self.emulator.api_base,
            "DISCORD_GATEWAY_URL": self.emulator.gateway_url,
        }
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "--env-file", str(self.folder / "absent.env"), "run",
                env=env, cwd=REPO, stdout=log, stderr=log, stdin=asyncio.subprocess.DEVNULL,
            )  # fmt: skip

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        return await asyncio.wait_for(self.process.wait(), timeout)

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def busy_children(self, parent: int, min_ticks: int = 5) -> int:
        """Runs of the zygote `parent` that have used `min_ticks` clock ticks of CPU: runs
        that are really executing (the zygote's spare children wait with none). With a PID
        namespace the runs are children of the zygote's own child (PID 1 inside it)."""
        stats: dict[int, tuple[int, int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
        # The inner zygote is the child of `parent` that has children of its own (a run's
        # child never forks, and its command line is the zygote's too).
        parents = {ppid for ppid, _ in stats.values()}
        zygotes = {parent} | {
            pid for pid, (ppid, _) in stats.items() if ppid == parent and pid in parents
        }
        return sum(
            1
            for pid, (ppid, ticks) in stats.items()
            if ppid in zygotes and pid not in zygotes and ticks >= min_ticks
        )

    def zygote_pid(self) -> int | None:
        """The process running `sandbox.zygote` that forks the runs: the bot's child, or,
        with a PID namespace, that child's own child (PID 1 inside; the bot's child only
        waits for it)."""
        zygote = self._zygote_child_of(self.pid)
        inner = self._zygote_child_of(zygote) if zygote is not None else None
        if inner is not None and self._pid_one_of_its_namespace(inner):
            return inner
        return zygote

    @staticmethod
    def _pid_one_of_its_namespace(pid: int) -> bool:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return False
        nspid = next(
            (line.split()[1:] for line in status.splitlines() if line.startswith("NSpid:")), []
        )
        return len(nspid) > 1 and nspid[-1] == "1"

    @staticmethod
    def _zygote_child_of(parent: int) -> int | None:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == parent and b"sandbox.zygote" in cmdline:
                return int(entry.name)
        return None


@dataclass
class Posted:
    learner: str
    kind: str
    message: Json
    expect_pass: bool
    deleted: bool = False
    graded_at: float = 0.0
    started_at: float = 0.0
    final: str = ""


class Soak:
    def __init__(self, emulator: DiscordEmulator, bot: BotProcess, config: SoakConfig) -> None:
        self.emulator = emulator
        self.bot = bot
        self.config = config
        self.report = SoakReport(config)
        self.rng = random.Random(config.seed)
        self.posted: list[Posted] = []
        self.remaining = config.submissions
        self.zygote_killed_at: tuple[float, float] | None = None  # window runs may crash in
        self.stop_listing = asyncio.Event()
        self.go = asyncio.Event()  # cleared while a chaos case needs the sandbox to itself
        self.go.set()
        self.in_flight = 0
        self.unwatched_log = (-1, -1)  # byte range of the bot's log around its SIGKILL

    # -- the load --------------------------------------------------------------------------

    async def learner(self, name: str) -> None:
        member = self.emulator.add_member(name)
        lesson = 0  # index of the learner's current lesson
        while self.remaining > 0:
            await self.go.wait()
            self.remaining -= 1
            kind = self.rng.choices(list(KINDS), weights=list(KINDS.values()))[0]
            self.in_flight += 1
            try:
                passed = await self.submit(member, kind, lesson)
            finally:
                self.in_flight -= 1
            if passed:
                lesson = await self.move_on(member, lesson)

    async def submit(self, member: Json, kind: str, lesson_index: int) -> bool:
        """Post one submission; if the bot says it is still grading this learner's last one
        (a deleted submission is still running), that is its answer: post again shortly."""
        while True:
            passed = await self.submit_once(member, kind, lesson_index)
            if passed is not None:
                return passed
            await asyncio.sleep(1)

    async def submit_once(self, member: Json, kind: str, lesson_index: int) -> bool | None:
        lesson = COURSE.lessons[lesson_index]
        code = {
            "correct": lesson.solution,
            "wrong": self.rng.choice(lesson.fixtures).code,
            "loop": LOOP,
            "memory": MEMORY_BOMB,
            "flood": FLOOD,
            "syntax": SYNTAX_ERROR,
            "escape": self.rng.choice(ESCAPES),
            "edit": self.rng.choice(lesson.fixtures).code,
            "delete": lesson.solution,
        }[kind]
        self.report.kinds[kind] += 1
        self.report.submissions += 1
        started = time.monotonic()
        attempts_before = self.attempts_of(str(member["id"])) if kind == "delete" else 0
        message = await self.emulator.send_message(member, fenced(code))
        posted = Posted(
            str(member["id"]), kind, message, kind in ("correct", "edit"), started_at=started
        )
        self.posted.append(posted)
        self.report.gradings += 1
        if kind == "delete":  # at once: the bot already has it, and grades it anyway
            await self.emulator.delete_message(message)
            posted.deleted = True
            await self.wait_for_attempts(posted.learner, attempts_before + 1)
            posted.graded_at = time.monotonic()
            # The attempt is stored a moment before the bot lets go of the learner's grading
            # slot; posting at once could be answered "still grading your last submission".
            await asyncio.sleep(0.5)
            return False
        first = await self.final_reaction(message)
        if first == REFUSED:
            posted.final = REFUSED
            self.report.refusals += 1
            self.report.gradings -= 1
            return None
        if kind == "edit":
            if first != NOT_PASSED:
                self.report.problems.append(f"edit: the wrong first version got {first}")
            self.report.gradings += 1
            await self.emulator.edit_message(message, fenced(lesson.solution))
            # The re-grade swaps the reaction: wait for the pass it must earn.
            first = await self.final_reaction(message, PASSED)
        posted.final = first
        posted.graded_at = time.monotonic()
        return first == PASSED

    async def final_reaction(self, message: Json, only: str | None = None) -> str:
        """✅ or ❌ once the bot has set it (`only`: wait for that one)."""
        finals = [[only]] if only else [[PASSED], [NOT_PASSED]]

        def done() -> str | None:
            now = self.emulator.reactions_on(message)
            if now in finals:
                return now[0]
            replies = self.emulator.replies_to(message)
            if not only and replies and STILL_GRADING in (replies[0].get("content") or ""):
                return REFUSED
            return None

        try:
            return await self.emulator.state.wait_until(done, WAIT_S)
        except TimeoutError:
            replies = [
                (r.get("content"), [e.get("title") for e in r.get("embeds", [])])
                for r in self.emulator.replies_to(message)
            ]
            self.report.problems.append(
                f"no verdict within {WAIT_S:g} s for {message['content'][:60]!r} "
                f"(message {message['id']}): reactions {self.emulator.reactions_on(message)}, "
                f"replies {replies}"
            )
            return "none"

    async def move_on(self, member: Json, lesson: int) -> int:
        """Open the next lesson; after the last, start over on lesson 1 (still open), which
        keeps the load mixed. `/lesson next` would stay put once the course is complete."""
        following = (lesson + 1) % len(COURSE)
        asked = await self.emulator.slash(member, "lesson show", lesson=str(following + 1))
        await self.emulator.wait_for_response(asked, timeout=WAIT_S)
        return following

    async def lister(self) -> None:
        member = self.emulator.add_member("lister")
        tasks: list[asyncio.Task[None]] = []
        while not self.stop_listing.is_set() or len(tasks) < self.config.min_list_calls:
            tasks.append(asyncio.create_task(self.list_once(member)))
            await asyncio.sleep(self.config.list_every_s)
        await asyncio.gather(*tasks)

    async def list_once(self, member: Json) -> None:
        started = time.monotonic()
        asked = await self.emulator.slash(member, "lesson list")
        await self.emulator.wait_for_response(asked, timeout=WAIT_S)
        self.report.list_latencies_s.append(time.monotonic() - started)

    async def watch_zygotes(self) -> None:
        while not self.stop_listing.is_set():
            pid = self.bot.zygote_pid()
            if pid is not None and pid not in self.report.zygote_pids:
                self.report.zygote_pids.append(pid)
            await asyncio.sleep(0.2)

    # -- chaos -----------------------------------------------------------------------------

    async def kill_zygote_mid_run(self) -> None:
        """A run in flight when the zygote dies ends `crashed`; the next run succeeds."""
        while self.remaining > self.config.submissions // 2:
            await asyncio.sleep(0.1)
        # Halfway: let the learners' submissions drain, so that the chaos runs are not
        # queued behind theirs but certainly running, one per worker, when the kill comes.
        self.go.clear()
        while self.in_flight:
            await asyncio.sleep(0.05)
        members = [
            self.emulator.add_member(f"chaos-zygote-{i}") for i in range(self.config.workers)
        ]
        messages = [await self.emulator.send_message(m, fenced(LOOP)) for m in members]
        for message in messages:
            await self.emulator.wait_for_reactions(message, [GRADING], WAIT_S)
        zygote = self.bot.zygote_pid()
        if zygote is None:
            self.report.problems.append("zygote chaos: no zygote found to kill")
            self.go.set()
            return
        # Each grading first waits for its reference run; kill once both loops really run.
        deadline = time.monotonic() + WAIT_S
        while self.bot.busy_children(zygote) < len(members) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if self.bot.busy_children(zygote) < len(members):
            self.report.problems.append("zygote chaos: the loops never ran at the same time")
        killed_at = time.monotonic()
        os.kill(zygote, signal.SIGKILL)
        for message in messages:
            await self.final_reaction(message)
        self.zygote_killed_at = (killed_at, time.monotonic())
        reply = self.emulator.replies_to(messages[0])
        title = reply[0]["embeds"][0]["title"] if reply and reply[0]["embeds"] else ""
        statuses = [s for m in members for s in self.statuses_of(str(m["id"]))]
        after = await self.emulator.send_message(members[0], fenced(COURSE.lessons[0].solution))
        next_ok = await self.final_reaction(after) == PASSED
        self.go.set()
        self.report.zygote_kill = {
            "in_flight_statuses": statuses,
            "verdict_title": title,
            "next_run_passed": next_ok,
        }
        if statuses != ["crashed"] * len(members):
            self.report.problems.append(f"zygote chaos: the runs in flight ended {statuses}")
        if not next_ok:
            self.report.problems.append("zygote chaos: the next run after the kill failed")

    async def kill_bot_mid_grading(self) -> None:
        """SIGKILL with gradings in flight, restart on the same database: nothing is torn."""
        members = [self.emulator.add_member(f"chaos-bot-{i}") for i in range(4)]
        messages = [
            await self.emulator.send_message(m, fenced(COURSE.lessons[0].solution)) for m in members
        ]
        # One run in flight at least: wait for the first ⏳, then kill without warning.
        await self.emulator.wait_for_reactions(messages[0], [GRADING], WAIT_S)
        await asyncio.sleep(self.rng.uniform(0.0, 0.3))
        self.unwatched_log = (self.bot.log_path.stat().st_size, -1)
        os.kill(self.bot.pid, signal.SIGKILL)
        await self.bot.process.wait()  # type: ignore[union-attr]
        integrity_after_kill = _integrity(self.bot.db_path)
        torn = _torn_rows(self.bot.db_path)
        await self.bot.start()
        await self.emulator.wait_until_connected(timeout=WAIT_S)
        # The killed bot's zygote may still write a line or two (its control socket was
        # reset) before its parent-death signal lands: that stretch of the log is not ours.
        self.unwatched_log = (self.unwatched_log[0], self.bot.log_path.stat().st_size)
        # The restarted bot serves: a fresh learner passes lesson 1.
        member = self.emulator.add_member("chaos-after-restart")
        message = await self.emulator.send_message(member, fenced(COURSE.lessons[0].solution))
        served = await self.final_reaction(message) == PASSED
        killed_attempts = sum(len(self.statuses_of(str(m["id"]))) for m in members)
        self.report.bot_kill = {
            "integrity_check_after_kill": integrity_after_kill,
            "attempts_of_killed_gradings": killed_attempts,
            "torn_rows": torn,
            "restarted_bot_passed_a_submission": served,
        }
        if integrity_after_kill != "ok":
            self.report.problems.append(f"bot chaos: integrity_check {integrity_after_kill}")
        if torn:
            self.report.problems.append(f"bot chaos: torn rows {torn}")
        if killed_attempts > len(members):
            self.report.problems.append("bot chaos: more attempts than submissions")
        if not served:
            self.report.problems.append("bot chaos: the restarted bot did not grade")

    # -- the database ----------------------------------------------------------------------

    def _query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(f"file:{self.bot.db_path}?mode=ro", uri=True, timeout=30) as db:
            return db.execute(sql, args).fetchall()

    def attempts_of(self, user_id: str) -> int:
        return len(self.statuses_of(user_id))

    def statuses_of(self, user_id: str) -> list[str]:
        rows = self._query(
            "SELECT a.status FROM attempts a JOIN learners l ON l.id = a.learner_id "
            "WHERE l.user_id = ? ORDER BY a.id",
            user_id,
        )
        return [row[0] for row in rows]

    async def wait_for_attempts(self, user_id: str, count: int) -> None:
        deadline = time.monotonic() + WAIT_S
        while self.attempts_of(user_id) < count:
            if time.monotonic() > deadline:
                self.report.problems.append(f"a deleted submission of {user_id} was not graded")
                return
            await asyncio.sleep(0.1)

    # -- the invariants --------------------------------------------------------------------

    def check_verdicts(self) -> None:
        """Every message: exactly one reply (none if deleted), final reaction as expected."""
        crash_window = self.zygote_killed_at
        for posted in self.posted:
            replies = [
                r
                for r in self.emulator.replies_to(posted.message)
                if r["author"]["id"] == self.emulator.state.bot_user["id"]
            ]
            where = f"{posted.kind} submission {posted.message['id']}"
            if posted.deleted:  # graded and counted, but there is nothing left to reply to
                self.report.verdicts["deleted"] += 1
                if replies:
                    self.report.problems.append(f"{where}: deleted, yet answered")
                continue
            self.report.verdicts[posted.final] += 1
            if posted.final == REFUSED:  # answered with the refusal, not graded
                if len(replies) != 1:
                    self.report.problems.append(f"{where}: {len(replies)} replies to a refusal")
                continue
            if len(replies) != 1 or not replies[0]["embeds"]:
                said = "; ".join(repr(str(r.get("content", ""))[:200]) for r in replies)
                self.report.problems.append(
                    f"{where}: {len(replies)} replies, expected 1 verdict (said: {said})"
                )
            in_crash_window = crash_window is not None and (
                posted.started_at <= crash_window[1] and posted.graded_at >= crash_window[0]
            )
            if (posted.final == PASSED) != posted.expect_pass and not in_crash_window:
                self.report.problems.append(f"{where}: ended {posted.final}")

    def check_database(self, learner_ids: list[str]) -> None:
        marks = ",".join("?" * len(learner_ids))
        rows = self._query(
            "SELECT a.status, a.passed FROM attempts a JOIN learners l ON l.id = a.learner_id "
            f"WHERE l.user_id IN ({marks})",
            *learner_ids,
        )
        self.report.attempts_in_db = len(rows)
        self.report.passes_in_db = sum(1 for _, passed in rows if passed)
        if len(rows) != self.report.gradings:
            self.report.problems.append(
                f"{len(rows)} attempts in the database, {self.report.gradings} gradings posted"
            )
        posted_passes = sum(1 for p in self.posted if p.final == PASSED)
        deleted_passes = sum(1 for p in self.posted if p.deleted)  # a correct answer, deleted
        if self.report.passes_in_db != posted_passes + deleted_passes:
            self.report.problems.append(
                f"{self.report.passes_in_db} passes in the database, "
                f"{posted_passes} ✅ verdicts + {deleted_passes} deleted correct answers"
            )
        for problem in _unlock_problems(self.bot.db_path):
            self.report.problems.append(problem)


def _integrity(db_path: Path) -> str:
    with sqlite3.connect(db_path, timeout=30) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def _torn_rows(db_path: Path) -> list[str]:
    """Attempts that are half-written or twice-written, as the schema cannot rule out."""
    problems = []
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as db:
        for attempt_id, status, passed, checks, metrics in db.execute(
            "SELECT id, status, passed, checks, metrics FROM attempts"
        ):
            try:
                json.loads(checks), json.loads(metrics)
            except ValueError:
                problems.append(f"attempt {attempt_id}: unreadable JSON")
            if bool(passed) != (status == "passed"):
                problems.append(f"attempt {attempt_id}: passed={passed} but status {status}")
        for learner, lesson, attempts, counted in db.execute(
            "SELECT p.learner_id, p.lesson_id, p.attempts, "
            "(SELECT count(*) FROM attempts a WHERE a.learner_id = p.learner_id "
            " AND a.lesson_id = p.lesson_id) FROM lesson_progress p"
        ):
            if attempts != counted:
                problems.append(f"learner {learner} {lesson}: {attempts} counted, {counted} rows")
    return problems


def _unlock_problems(db_path: Path) -> list[str]:
    """Every unlocked lesson (past the first) follows a lesson the learner passed."""
    order = [lesson.id for lesson in COURSE]
    problems = []
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as db:
        passed = set(
            db.execute("SELECT DISTINCT learner_id, lesson_id FROM attempts WHERE passed = 1")
        )
        for learner, lesson, completed in db.execute(
            "SELECT learner_id, lesson_id, completed_at FROM lesson_progress "
            "WHERE unlocked_at IS NOT NULL OR completed_at IS NOT NULL"
        ):
            if completed is not None and (learner, lesson) not in passed:
                problems.append(f"learner {learner} completed {lesson} without a pass")
            index = order.index(lesson)
            if index > 0 and (learner, order[index - 1]) not in passed:
                problems.append(
                    f"learner {learner} has {lesson} unlocked without passing the one before"
                )
    return problems


async def run_soak(config: SoakConfig, folder: Path) -> SoakReport:
    began = time.monotonic()
    async with started_emulator() as emulator:
        bot = BotProcess(emulator, folder, config)
        await bot.start()
        soak = Soak(emulator, bot, config)
        try:
            await emulator.wait_until_connected(timeout=WAIT_S)
            # Warm up every lesson once (reference runs, plots, caches), so that the RSS
            # measured from here on shows growth over the run, not first-use set-up.
            warm = emulator.add_member("warm-up")
            for index, lesson in enumerate(COURSE.lessons):
                message = await emulator.send_message(warm, fenced(lesson.solution))
                await soak.final_reaction(message)
                await soak.move_on(warm, index)
            soak.report.rss_start_mb = bot.rss_mb()
            names = [f"learner-{i:02d}" for i in range(config.learners)]
            background = [
                asyncio.create_task(soak.lister()),
                asyncio.create_task(soak.watch_zygotes()),
            ]
            chaos = [asyncio.create_task(soak.kill_zygote_mid_run())] if config.kill_zygote else []
            load_began = time.monotonic()
            await asyncio.gather(*(soak.learner(name) for name in names), *chaos)
            soak.report.load_s = time.monotonic() - load_began
            soak.stop_listing.set()
            await asyncio.gather(*background)
            soak.report.rss_end_mb = bot.rss_mb()
            soak.check_verdicts()
            learner_ids = [
                str(u["id"]) for u in emulator.state.users.values() if u["username"] in names
            ]
            soak.check_database(learner_ids)
            if emulator.state.unhandled_routes or emulator.state.rejected:
                soak.report.problems.append(
                    f"emulator: unhandled {emulator.state.unhandled_routes[:3]}, "
                    f"rejected {emulator.state.rejected[:3]}"
                )
            if config.kill_bot:
                await soak.kill_bot_mid_grading()
        finally:
            if bot.process is not None and bot.process.returncode is None:
                code = await bot.stop()
                if code != 0:
                    soak.report.problems.append(f"the bot exited with {code} on SIGTERM")
        soak.report.bot_kill["integrity_check_at_end"] = _integrity(bot.db_path)
        if soak.report.bot_kill["integrity_check_at_end"] != "ok":
            soak.report.problems.append("integrity_check failed at the end")
        torn = _torn_rows(bot.db_path) + _unlock_problems(bot.db_path)
        soak.report.problems.extend(f"at the end: {p}" for p in torn)
        raw = bot.log_path.read_bytes()
        soak.report.stall_warnings = raw.count(b"event loop stalled for")
        killed_at, restarted_at = soak.unwatched_log
        if killed_at >= 0:
            raw = raw[:killed_at] + raw[restarted_at:]
        log = raw.decode(errors="replace")
        if "Traceback" in log:
            first = log.index("Traceback")
            soak.report.problems.append(f"a traceback in the bot's log: {log[first : first + 600]}")
    soak.report.total_s = time.monotonic() - began
    return soak.report
