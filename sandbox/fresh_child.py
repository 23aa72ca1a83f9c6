"""The two things every fresh child needs before its job, done as cheaply as is safe.

A child is forked for every run, and in a fork every page the child writes is copied, at
some microseconds each on this kind of machine. So both steps are chosen by what they touch:

- `ForkStart`: libc's fork(), called directly, when the zygote has one thread. CPython's
  `os.fork()` then runs its after-fork work in each child: thread states and locks of other
  threads (a single-threaded process has none), pending Python signal handlers (the zygote
  installs none), threading's bookkeeping, and `random`'s reseed (which `Reseeder` does
  anyway). That is about 0.5 ms and 190 copied pages per child.
- `Reseeder`: fresh kernel randomness for every generator a run can reach without a seed of
  its own. NumPy's legacy global generator gets it written straight into its documented
  state struct (`MT19937.ctypes.state_address`, through a memoryview made in the zygote)
  instead of through `np.random.seed`, whose array checks touch some 120 pages. The fast
  path is checked once, in the zygote, against NumPy's own `get_state`; if they disagree,
  every child takes the slow path.
"""

from __future__ import annotations

import ctypes
import os
import random
import sys
from collections.abc import Callable

import numpy as np

_MT_WORDS = 624  # MT19937's state struct: 624 uint32 words, then an int position
_KEY_BYTES = 4 * _MT_WORDS
_FRESH_POSITION = _MT_WORDS.to_bytes(ctypes.sizeof(ctypes.c_int), sys.byteorder, signed=True)
_STATE_BYTES = _KEY_BYTES + len(_FRESH_POSITION)


def single_threaded() -> bool:
    """True if this process runs one thread (OpenBLAS or another library may start more)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


class ForkStart:
    """`fork()` for the zygote: the raw one while the zygote has one thread."""

    def __init__(self) -> None:
        self.raw = False
        self._libc_fork: Callable[[], int] | None = None
        try:
            libc = ctypes.PyDLL(None, use_errno=True)  # PyDLL: the GIL stays held, as in os.fork
            libc.fork.restype = ctypes.c_int
            libc.fork.argtypes = ()
            self._libc_fork = libc.fork
        except (OSError, AttributeError):
            pass

    def choose(self) -> bool:
        """Decide once, after every import and warm-up (a library may start threads lazily):
        raw only if this process has a single thread. Returns whether it is raw."""
        self.raw = self._libc_fork is not None and single_threaded()
        return self.raw

    def __call__(self) -> int:
        if not self.raw or self._libc_fork is None:
            return os.fork()
        pid = self._libc_fork()
        if pid < 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))
        return pid


class Reseeder:
    """Fresh kernel randomness for `random` and NumPy's legacy global generator, per child."""

    def __init__(self) -> None:
        self._state: memoryview | None = None  # the key words and the position, as bytes

    def prepare(self) -> bool:
        """In the zygote: seed the legacy generator once (no cached Gaussian left), then
        check that writing its state struct is the same as NumPy's own `set_state`.
        Returns whether children take the fast path."""
        np.random.seed(np.frombuffer(os.urandom(32), dtype=np.uint32))
        self._state = None
        try:
            bit_generator = np.random.mtrand._rand._bit_generator
            address = int(bit_generator.ctypes.state_address)
            state = memoryview((ctypes.c_char * _STATE_BYTES).from_address(address)).cast("B")
            words = np.frombuffer(os.urandom(_KEY_BYTES), dtype=np.uint32)
            state[:_KEY_BYTES] = words.tobytes()
            state[_KEY_BYTES:] = _FRESH_POSITION
            seen = np.random.get_state(legacy=False)
        except (AttributeError, TypeError, ValueError):
            return False
        agrees = (
            seen.get("bit_generator") == "MT19937"
            and np.array_equal(seen["state"]["key"], words)
            and seen["state"]["pos"] == _MT_WORDS
            and not seen.get("has_gauss")
        )
        if agrees:
            self._state = state
        for _ in range(10):  # quickened here, so no child writes to this code object
            self()
        return agrees

    def __call__(self) -> None:
        """In each child, while still idle and before seccomp: `random` from 32 bytes of
        kernel randomness (an int: a bytes seed would be hashed with SHA-512 first), NumPy's
        generator from 2,496 written in place. default_rng() without a seed asks the kernel
        itself."""
        random.seed(int.from_bytes(os.urandom(32), "little"))
        if self._state is None:
            np.random.seed(np.frombuffer(os.urandom(32), dtype=np.uint32))
            return
        self._state[:_KEY_BYTES] = os.urandom(_KEY_BYTES)
        self._state[_KEY_BYTES:] = _FRESH_POSITION
