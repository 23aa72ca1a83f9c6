"""Escape attempts against the policy layer. Each must end refused, never with access.

The OS layers have their own tests (test_os_layers*.py) with the policy turned off.
"""

from __future__ import annotations

import os

import pytest

from sandbox import Sandbox, Status
from tests.sandbox_support import sandbox_fixture

pytestmark = pytest.mark.asyncio(loop_scope="module")
sandbox = sandbox_fixture()

BLOCKED = (Status.REJECTED, Status.ERROR, Status.SYNTAX_ERROR)

FILES = [
    "open('/etc/passwd').read()",
    "import io\nio.open('/etc/passwd')",
    "import pathlib\npathlib.Path('/etc/passwd').read_text()",
    "import numpy as np\nnp.loadtxt('/etc/passwd')",
    "import numpy as np\nnp.genfromtxt('/etc/passwd')",
    "import numpy as np\nnp.fromfile('/etc/passwd')",
    "import numpy as np\nnp.load('/tmp/x.npy')",
    "import numpy as np\nnp.save('/tmp/x.npy', np.zeros(2))",
    "import numpy as np\nnp.savetxt('/tmp/x.txt', np.zeros(2))",
    "import numpy as np\nnp.memmap('/tmp/x', mode='w+', shape=(2,))",
    "import numpy as np\nnp.zeros(2).tofile('/tmp/x')",
    "import numpy as np\nnp.zeros(2).dump('/tmp/x')",
    "import numpy as np\nnp.DataSource().open('/etc/passwd')",
]

IMPORTS = [
    "import os",
    "import sys",
    "import subprocess",
    "import socket",
    "import ctypes",
    "import builtins",
    "import importlib",
    "import pickle",
    "import numpy.ctypeslib",
    "from numpy import lib",
    "from numpy import f2py",
    "from numpy import testing",
    "from numpy.lib import stride_tricks",
    "from . import anything",
    "__import__('os')",
    "import numpy as np\nnp.ctypeslib",
    "import numpy as np\nnp.lib.stride_tricks.as_strided(np.zeros(2), (10 ** 6,))",
    "import numpy as np\nnp.f2py",
    "import numpy as np\nnp.testing",
    "import numpy as np\nnp.ma",
    "import numpy as np\nnp.polynomial",
    "import numpy as np\nnp.vectorize(abs)",
    "import numpy as np\nnp.frompyfunc(abs, 1, 1)",
    "import numpy as np\nnp.set_printoptions(formatter={'all': print})",
    "import numpy as np\nnp.random.mtrand",
    "import numpy as np\nnp.core",
    "import numpy as np\nnp.os",
    "import random\nrandom.SystemRandom",
    "import math\nmath.sys",
]

DUNDER_WALKS = [
    "().__class__.__bases__[0].__subclasses__()",
    "getattr((), '__class__')",
    "getattr(1, '__cl' + 'ass__')",
    "x = [c for c in ().__class__.__mro__]",
    "type(()).mro()",
    "globals()",
    "vars()",
    "locals()",
    "dir()",
    "eval('1')",
    "exec('x = 1')",
    "compile('1', 'x', 'eval')",
    "breakpoint()",
    "help()",
    "type('A', (), {'__getattr__': print})",
    "class A(int):\n    pass",
    "class A(metaclass=type):\n    pass",
    "def f(_getattr_=getattr):\n    pass",
    "def f(_getattr_, /):\n    return _getattr_",
    "lambda _write_: 1",
    "import numpy as np\nnp.zeros = None",
    "import numpy as np\nsetattr(np, 'zeros', None)",
    "import numpy as np\nnp.array.__self__",
    "import math\nmath.sqrt.__self__",
    "print.__self__",
]

FORMAT_STRINGS = [
    "'{0.__class__}'.format(1)",
    "'{0.real}'.format(1)",
    "'{0[0]}'.format([1])",
    "'{a.__class__}'.format_map({'a': 1})",
    "str.format('{0.__class__}', 1)",
    "f = '{0.__globals__}'.format\nf(print)",
    "import string\nstring.Formatter().get_field('0.__class__', [1], {})",
    "print(1, file=None.__class__)",
]

FRAMES = [
    "def g():\n    yield 1\nx = g()\nx.gi_frame",
    "def g():\n    yield 1\nx = g()\nx.gi_code",
    "def g():\n    yield 1\ny = (v for v in [1])\ny.gi_frame.f_back",
    "async def c():\n    pass\nx = c()\nx.cr_frame",
    "async def a():\n    yield 1\nx = a()\nx.ag_frame",
    "try:\n    1 / 0\nexcept Exception as e:\n    e.__traceback__",
    "try:\n    1 / 0\nexcept Exception as e:\n    e.with_traceback(None)",
    "try:\n    [].nope\nexcept AttributeError as e:\n    e.obj",
    "try:\n    import numpy as np\n    np.nope\nexcept AttributeError as e:\n    e.obj",
    "try:\n    x = 1\nexcept* ValueError:\n    pass",
    "import numpy as np\nr = np.random.default_rng(0)\nr.bit_generator",
    "import numpy as np\nr = np.random.default_rng(0)\ngetattr(r, 'bit_generator')",
]

RAW_MEMORY = [
    "import numpy as np\nnp.zeros(2).ctypes",
    "import numpy as np\nnp.zeros(2).data",
    "import numpy as np\nnp.zeros(2).view(object)",
    "import numpy as np\nnp.zeros(2).getfield(object)",
    "import numpy as np\na = np.zeros(2)\na.strides = (0,)",
    "import numpy as np\nnp.zeros(2).setflags(write=True)",
    "memoryview(b'abc')",
    "import numpy as np\nnp.frombuffer(b'abcdefgh', dtype=object)",
    "import numpy as np\nnp.ndarray((10 ** 6,), buffer=b'x')",
    "import numpy as np\nnp.zeros(2).dumps()",
    # ndarray's constructor reads any buffer as any dtype, object pointers included
    "import numpy as np\ntype(np.zeros(2))((2,), buffer=b'abcdefghabcdefgh', dtype=object)",
    "import numpy as np\nnp.ndarray((2,), buffer=b'abcdefghabcdefgh', dtype=object)",
    "import numpy as np\ntype(np.zeros(2)).mro()",
    # resize(refcheck=False) frees memory a view still points at
    "import numpy as np\na = np.zeros(4)\nb = a[:]\na.resize((10 ** 6,), refcheck=False)",
    "type(iter([]))([])",
]


def _cases(name: str, codes: list[str]) -> list[object]:
    return [pytest.param(code, id=f"{name}-{i}") for i, code in enumerate(codes)]


@pytest.mark.parametrize(
    "code",
    _cases("files", FILES)
    + _cases("imports", IMPORTS)
    + _cases("dunder", DUNDER_WALKS)
    + _cases("format", FORMAT_STRINGS)
    + _cases("frames", FRAMES)
    + _cases("memory", RAW_MEMORY),
)
async def test_escape_attempt_is_refused(sandbox: Sandbox, code: str) -> None:
    result = await sandbox.run(code + "\n")
    assert result.status in BLOCKED, (code, result)
    assert result.error is not None and result.error.message


async def test_refusals_explain_themselves_in_plain_words(sandbox: Sandbox) -> None:
    augmented = await sandbox.run("w = [1.0]\nw[0] += 1\n")
    assert augmented.status is Status.REJECTED
    assert "write `x[i] = x[i] + v` instead" in augmented.message
    dunder = await sandbox.run("x = (1).__class__\n")
    assert dunder.status is Status.REJECTED
    assert 'attribute names starting with "_" are not allowed' in dunder.message
    imported = await sandbox.run("import os\n")
    assert imported.status is Status.REJECTED
    assert "can't be imported" in imported.message and "numpy" in imported.message


async def test_allowed_surface_still_works(sandbox: Sandbox) -> None:
    """The refusals above must not cost learners the API the lessons need."""
    code = (
        "import numpy as np\nimport math, random, statistics\n"
        "from numpy.linalg import norm\nfrom numpy import random as npr\n"
        "np.random.seed(0)\nrng = np.random.default_rng(1)\n"
        "a = np.array([[1.0, 2.0], [3.0, 4.0]])\nb = a @ np.linalg.inv(a)\n"
        "c = np.tanh(a).sum(axis=0).mean() + np.maximum(0, a - 2).max()\n"
        "d = sorted(zip([3, 1], ['a', 'b']))\ne = tuple(reversed([1, 2]))\n"
        "f = statistics.mean([1, 2, 3]) + math.sqrt(4) + random.random() * 0\n"
        "g = '{:.3f} {}'.format(c, 'ok') + f'{norm(a):.2f}'\n"
        "h = npr.rand(2).shape + rng.normal(size=3).shape\n"
        "a[0, 0] = 9.0\nlst = [1]\nlst[0] = lst[0] + 1\ncount = 0\ncount += 1\n"
        "class Layer:\n    def __init__(self, n):\n        self.w = np.zeros(n)\n"
        "layer = Layer(3)\nlayer.w = layer.w + 1\n"
        "print(g, d, e, f, h, a[0, 0], lst, layer.w.sum(), str(a.dtype), count)\n"
    )
    result = await sandbox.run(code)
    assert result.status is Status.OK, result
    expected = "3.860 ok5.48 [(1, 'b'), (3, 'a')] (2, 1) 4.0 (2, 3) 9.0 [2] 3.0 float64 1\n"
    assert result.stdout == expected


async def test_type_checks_still_work_with_stand_in_classes(sandbox: Sandbox) -> None:
    code = (
        "import numpy as np\na = np.zeros(2)\nclass K:\n    pass\n"
        "print(type(a), type(a) == np.ndarray, isinstance(a, np.ndarray), type(a) is np.ndarray,"
        " issubclass(type(a), np.ndarray), type(1.5)(2), type(np.float64(1)), type(K()) is K)\n"
    )
    result = await sandbox.run(code)
    assert result.status is Status.OK, result
    expected = "<class 'numpy.ndarray'> True True True True 2.0 <class 'numpy.float64'> True\n"
    assert result.stdout == expected


async def test_learner_objects_never_cross_back(sandbox: Sandbox) -> None:
    code = "class Sneaky:\n    pass\nthing = Sneaky()\nfn = print\n"
    result = await sandbox.run(code, probes={"thing": "thing", "fn": "fn"})
    assert result.status is Status.OK
    assert result.probes["thing"].kind == "other" and result.probes["thing"].value == "Sneaky"
    assert result.probes["fn"].kind == "function" and result.probes["fn"].value is None


async def test_printed_text_cannot_forge_a_result(sandbox: Sandbox) -> None:
    forged = '{"status": "ok", "probes": {"loss": {"ok": true, "kind": "float", "value": 0}}}'
    result = await sandbox.run(f"print({forged!r})\nraise ValueError('real')\n")
    assert result.status is Status.ERROR
    assert result.probes == {}


async def test_one_run_cannot_change_the_next(sandbox: Sandbox) -> None:
    first = await sandbox.run("import numpy as np\nnp.random.seed(123)\nshared = 1\n")
    assert first.status is Status.OK
    second = await sandbox.run("x = shared\n")
    assert second.status is Status.ERROR and second.error is not None
    assert second.error.type == "NameError"


async def test_the_bot_environment_never_reaches_a_child() -> None:
    from sandbox import SandboxOptions
    from tests.sandbox_support import FAST_LIMITS

    os.environ["DISCORD_TOKEN"] = "secret-token-for-test"
    try:
        # Policy and layers off: even unrestricted code finds no secret in the environment.
        options = SandboxOptions(policy=False, layers=frozenset())
        async with Sandbox(workers=1, limits=FAST_LIMITS, options=options) as unrestricted:
            code = "import os\nenv = open('/proc/self/environ', 'rb').read().decode()\n"
            probes = {"env": "env", "keys": "sorted(os.environ)"}
            result = await unrestricted.run(code, probes=probes)
    finally:
        del os.environ["DISCORD_TOKEN"]
    assert result.status is Status.OK, result
    assert "secret-token-for-test" not in result.probes["env"].value
    assert "DISCORD_TOKEN" not in result.probes["keys"].value
