"""Start a zygote process: a fresh exec with a scrubbed environment and a control socket.

Kept apart from the pool (no asyncio here) so that a command line can start the zygote
first thing, and let it import NumPy and the sandbox on another core while the command
still imports its own settings. The zygote waits for its configuration on the socket
(`sandbox.zygote_client.spawn_zygote` sends it), so starting early decides nothing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass

_PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
# Variables the zygote may inherit: nothing of the bot. OpenBLAS core settings stay because
# some CPUs compute wrong results without them.
_PASSED_THROUGH = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "LANG", "LC_ALL", "TZ")


@dataclass(frozen=True)
class LaunchedZygote:
    """A zygote process that is starting, not yet configured."""

    process: subprocess.Popen[bytes]
    control: socket.socket  # our end; SOCK_SEQPACKET, one message per packet


def launch_zygote() -> LaunchedZygote:
    env = {name: os.environ[name] for name in _PASSED_THROUGH if name in os.environ}
    env.update(
        PATH="/usr/bin:/bin",
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    bootstrap = (
        f"import sys; sys.path.insert(0, {_PROJECT_ROOT!r}); "
        "from sandbox.zygote import main; main()"
    )
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        process = subprocess.Popen(
            [sys.executable, "-I", "-c", bootstrap, str(theirs.fileno())],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            pass_fds=(theirs.fileno(),),
            env=env,
            cwd="/",
            start_new_session=True,  # Ctrl-C in the bot's terminal is for the bot
        )
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()
    return LaunchedZygote(process, ours)
