"""A throwaway PostgreSQL cluster for the tests: initdb + pg_ctl in a temporary folder on a
free port, removed again afterwards.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user
(Debian's postgresql packages create it). TEST_DATABASE_URL points the tests at a server
you already run instead (its role must be allowed to create databases).
"""

from __future__ import annotations

import asyncio
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import asyncpg

SERVER_USER = "postgres"


class Unavailable(Exception):
    """Why no PostgreSQL server can be started here."""


@dataclass
class Cluster:
    url: str  # to the `postgres` database; tests create their own databases beside it
    folder: Path | None  # None: a server we did not start
    bin_dir: Path | None = None

    def admin(self, sql: str) -> None:
        """Run one statement on the server's `postgres` database, from sync or async code
        alike (a loop of its own, on a thread of its own)."""

        async def run() -> None:
            con = await asyncpg.connect(self.url)
            try:
                await con.execute(sql)
            finally:
                await con.close()

        with ThreadPoolExecutor(1) as thread:
            thread.submit(asyncio.run, run()).result(timeout=60)

    def stop(self) -> None:
        if self.folder is None or self.bin_dir is None:
            return
        _run_as_server_user(
            [
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def find_bin_dir() -> Path:
    configured = os.environ.get("POSTGRES_BIN")  # when set, the only place looked at
    candidates = [configured] if configured else []
    if not configured:
        # Debian and Ubuntu: /usr/lib/postgresql/<major>/bin, newest first.
        candidates += sorted(
            glob.glob("/usr/lib/postgresql/*/bin"),
            key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
            reverse=True,
        )
        if (initdb := shutil.which("initdb")) is not None:
            candidates.append(str(Path(initdb).parent))
    for candidate in candidates:
        if (Path(candidate) / "initdb").is_file() and (Path(candidate) / "pg_ctl").is_file():
            return Path(candidate)
    raise Unavailable(
        "no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin, "
        "POSTGRES_BIN or PATH; install postgresql-15 (`.ci/run` does), or set "
        "TEST_DATABASE_URL to a server you run"
    )


def _server_user_prefix() -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise Unavailable(
            f"running as root, and PostgreSQL refuses root; no {SERVER_USER!r} user to run it as"
        ) from None
    runuser = shutil.which("runuser") or shutil.which("setpriv")
    if runuser is None:
        raise Unavailable("running as root with neither runuser nor setpriv to drop to postgres")
    if runuser.endswith("runuser"):
        return [runuser, "-u", SERVER_USER, "--"]
    entry = pwd.getpwnam(SERVER_USER)
    return [runuser, f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--init-groups"]


def _run_as_server_user(command: list[str], check: bool = True) -> None:
    result = subprocess.run(
        _server_user_prefix() + command, capture_output=True, text=True, timeout=120
    )
    if check and result.returncode != 0:
        raise Unavailable(f"{Path(command[0]).name} failed: {result.stderr.strip()[-500:]}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_cluster(*, durable: bool = False) -> Cluster:
    """`durable`: fsync and synchronous commits on, as a real server runs (benchmarks);
    without it the cluster skips them, which tests do not need."""
    if url := os.environ.get("TEST_DATABASE_URL"):
        return Cluster(url=url, folder=None)
    bin_dir = find_bin_dir()
    prefix = _server_user_prefix()
    folder = Path(tempfile.mkdtemp(prefix="gradient-tutor-pg-"))
    try:
        if prefix:
            entry = pwd.getpwnam(SERVER_USER)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        data = folder / "data"
        _run_as_server_user(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ]
        )
        port = _free_port()
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not durable:
            # Durability is not what the tests are about: no fsync keeps them quick.
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        _run_as_server_user(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "-l",
                str(folder / "server.log"),
                "start",
            ]
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Cluster(f"postgresql://postgres@127.0.0.1:{port}/postgres", folder, bin_dir)


def database_url(server_url: str, name: str) -> str:
    """The server's URL with another database name."""
    base, _, _ = server_url.rpartition("/")
    return f"{base}/{name}"
