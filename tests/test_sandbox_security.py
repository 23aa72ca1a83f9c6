"""Escape attempts against the policy layer, with every OS layer switched off.

Each attack must be refused by the policy itself: status `rejected`, the policy's own
error type, and the policy's own message. A NumPy TypeError or an OS-level PermissionError
would not count: with the OS layers off, a gap in the policy can't hide behind them. The
OS layers have their own tests (test_os_layers*.py) with the policy turned off.
"""

from __future__ import annotations

import os

import pytest

from sandbox import Sandbox, SandboxOptions, Status
from tests.sandbox_support import sandbox_fixture

pytestmark = pytest.mark.asyncio(loop_scope="module")
sandbox = sandbox_fixture(SandboxOptions(layers=frozenset()))

# The policy's two refusal types: at compile time, and at run time (sandbox.refusals).
POLICY_ERROR_TYPES = ("PolicyError", "NotAvailable")

NOT_IMPORTABLE = "can't be imported in the sandbox"
UNDERSCORE = 'starting with "_" are not allowed'
INTERNALS = "reaches the interpreter's internals"
FORMAT_FIELDS = "format fields can't look up attributes or items"
NO_SUPER = "super() works only with your own classes"

FILES = [
    ("open('/etc/passwd').read()", "open() is not available in the sandbox"),
    ("import io\nio.open('/etc/passwd')", NOT_IMPORTABLE),
    ("import pathlib\npathlib.Path('/etc/passwd').read_text()", NOT_IMPORTABLE),
    ("import numpy as np\nnp.loadtxt('/etc/passwd')", "numpy.loadtxt is not available"),
    ("import numpy as np\nnp.genfromtxt('/etc/passwd')", "numpy.genfromtxt is not available"),
    ("import numpy as np\nnp.fromfile('/etc/passwd')", "numpy.fromfile is not available"),
    ("import numpy as np\nnp.load('/tmp/x.npy')", "numpy.load is not available"),
    ("import numpy as np\nnp.save('/tmp/x.npy', np.zeros(2))", "numpy.save is not available"),
    ("import numpy as np\nnp.savetxt('/tmp/x', np.zeros(2))", "numpy.savetxt is not available"),
    ("import numpy as np\nnp.memmap('/tmp/x', mode='w+', shape=(2,))", "numpy.memmap is not"),
    ("import numpy as np\nnp.zeros(2).tofile('/tmp/x')", '"tofile" of array is not available'),
    ("import numpy as np\nnp.zeros(2).dump('/tmp/x')", '"dump" of array is not available'),
]

IMPORTS = [
    ("import os", NOT_IMPORTABLE),
    ("import sys", NOT_IMPORTABLE),
    ("import subprocess", NOT_IMPORTABLE),
    ("import socket", NOT_IMPORTABLE),
    ("import ctypes", NOT_IMPORTABLE),
    ("import builtins", '"builtins" is a reserved name'),
    ("import importlib", NOT_IMPORTABLE),
    ("import pickle", NOT_IMPORTABLE),
    ("import numpy.ctypeslib", NOT_IMPORTABLE),
    ("from numpy import lib", '"numpy.lib" is not available'),
    ("from numpy import f2py", '"numpy.f2py" is not available'),
    ("from numpy import testing", '"numpy.testing" is not available'),
    ("from numpy.lib import stride_tricks", NOT_IMPORTABLE),
    ("from . import anything", "relative imports are not available"),
    ("__import__('os')", UNDERSCORE),
    ("import numpy as np\nnp.ctypeslib", "numpy.ctypeslib is not available"),
    (
        "import numpy as np\nnp.lib.stride_tricks.as_strided(np.zeros(2), (10 ** 6,))",
        "numpy.lib is not available",
    ),
    ("import numpy as np\nnp.f2py", "numpy.f2py is not available"),
    ("import numpy as np\nnp.testing", "numpy.testing is not available"),
    ("import numpy as np\nnp.ma", "numpy.ma is not available"),
    ("import numpy as np\nnp.polynomial", "numpy.polynomial is not available"),
    ("import numpy as np\nnp.vectorize(abs)", "numpy.vectorize is not available"),
    ("import numpy as np\nnp.frompyfunc(abs, 1, 1)", "numpy.frompyfunc is not available"),
    (
        "import numpy as np\nnp.set_printoptions(formatter={'all': print})",
        "numpy.set_printoptions is not available",
    ),
    ("import numpy as np\nnp.random.mtrand", "numpy.random.mtrand is not available"),
    ("import numpy as np\nnp.core", "numpy.core is not available"),
    ("import random\nrandom.SystemRandom", "random.SystemRandom is not available"),
]

DUNDER_WALKS = [
    ("().__class__.__bases__[0].__subclasses__()", UNDERSCORE),
    ("getattr((), '__class__')", UNDERSCORE),
    ("getattr(1, '__cl' + 'ass__')", UNDERSCORE),
    ("x = [c for c in ().__class__.__mro__]", UNDERSCORE),
    ("type(()).mro()", '"mro" of class "tuple" is not available'),
    ("globals()", "globals() is not available"),
    ("vars()", "vars() is not available"),
    ("locals()", "locals() is not available"),
    ("dir()", "dir() is not available"),
    ("eval('1')", "eval() is not available"),
    ("exec('x = 1')", "exec() is not available"),
    ("compile('1', 'x', 'eval')", "compile() is not available"),
    ("breakpoint()", '"breakpoint" is a reserved name'),
    ("help()", "help() is not available"),
    ("type('A', (), {'__getattr__': print})", "type() takes exactly one argument"),
    ("class A(int):\n    pass", "can only inherit from your own classes or exceptions"),
    ("class A(metaclass=type):\n    pass", '"metaclass" is not allowed'),
    ("def f(_getattr_=getattr):\n    pass", UNDERSCORE),
    ("def f(_getattr_, /):\n    return _getattr_", UNDERSCORE),
    ("lambda _write_: 1", UNDERSCORE),
    ("import numpy as np\nnp.zeros = None", "can't set \"zeros\" on module 'numpy'"),
    ("import numpy as np\nsetattr(np, 'zeros', None)", 'can\'t set "zeros" on module'),
    ("import numpy as np\nsetattr(np, '__name__', 'x')", UNDERSCORE),
    # On the learner's own objects too: "_" names are never set or deleted.
    ("class A:\n    pass\nsetattr(A(), '__class__', int)", UNDERSCORE),
    ("class A:\n    pass\na = A()\na.x = 1\ndelattr(a, '_x')", UNDERSCORE),
    ("class A:\n    pass\ndelattr(A, '__init__')", UNDERSCORE),
    ("import numpy as np\ndelattr(np, 'zeros')", 'can\'t delete "zeros" on module'),
    ("import numpy as np\ndel np.zeros", 'can\'t delete "zeros" on module'),
    (
        "g = {'__builtins__': {}, 'x': 1}\ndel g['__builtins__']",
        'items named with a leading "_" are not available on "dict" object',
    ),
    ("import numpy as np\nnp.array.__self__", UNDERSCORE),
    ("import math\nmath.sqrt.__self__", UNDERSCORE),
    ("print.__self__", UNDERSCORE),
    ("getattr(print, '_out')", UNDERSCORE),
]

FORMAT_STRINGS = [
    ("'{0.__class__}'.format(1)", FORMAT_FIELDS),
    ("'{0.real}'.format(1)", FORMAT_FIELDS),
    ("'{0[0]}'.format([1])", FORMAT_FIELDS),
    ("'{a.__class__}'.format_map({'a': 1})", FORMAT_FIELDS),
    ("str.format('{0.__class__}', 1)", FORMAT_FIELDS),
    ("f = '{0.__globals__}'.format\nf(print)", FORMAT_FIELDS),
    ("import string\nstring.Formatter().get_field('0.__class__', [1], {})", NOT_IMPORTABLE),
    ("print(1, file=None.__class__)", UNDERSCORE),
    ("print(1, file=[])", "print(file=...) is not available"),
]

FRAMES = [
    ("def g():\n    yield 1\nx = g()\nx.gi_frame", INTERNALS),
    ("def g():\n    yield 1\nx = g()\nx.gi_code", INTERNALS),
    ("y = (v for v in [1])\ny.gi_frame.f_back", INTERNALS),
    ("y = (v for v in [1])\ngetattr(y, 'gi_frame')", '"gi_frame" of "generator" object'),
    ("y = (v for v in [1])\ngetattr(y, 'gi_yieldfrom')", '"gi_yieldfrom" of "generator"'),
    ("async def c():\n    pass", "AsyncFunctionDef statements are not allowed"),
    ("try:\n    1 / 0\nexcept Exception as e:\n    e.__traceback__", UNDERSCORE),
    (
        "try:\n    1 / 0\nexcept Exception as e:\n    e.with_traceback(None)",
        '"with_traceback" of "ZeroDivisionError" object is not available',
    ),
    ("try:\n    [].nope\nexcept AttributeError as e:\n    e.obj", '"obj" of "AttributeError"'),
    (
        "try:\n    import numpy as np\n    np.nope\nexcept AttributeError as e:\n    e.obj",
        '"obj" of "AttributeError" object is not available',
    ),
    ("try:\n    x = 1\nexcept* ValueError:\n    pass", "TryStar statements are not allowed"),
    (
        "import numpy as np\nr = np.random.default_rng(0)\nr.bit_generator",
        '"bit_generator" of "Generator" object is not available',
    ),
    (
        "import numpy as np\nr = np.random.default_rng(0)\ngetattr(r, 'bit_generator')",
        '"bit_generator" of "Generator" object is not available',
    ),
]

RAW_MEMORY = [
    ("import numpy as np\nnp.zeros(2).ctypes", '"ctypes" of array is not available'),
    ("import numpy as np\nnp.zeros(2).data", '"data" of array is not available'),
    ("import numpy as np\nnp.zeros(2).view(object)", '"view" of array is not available'),
    ("import numpy as np\nnp.zeros(2).view(np.int64)", '"view" of array is not available'),
    ("import numpy as np\nnp.zeros(2).getfield(object)", '"getfield" of array is not'),
    ("import numpy as np\nnp.zeros(2).setfield(1, object)", '"setfield" of array is not'),
    ("import numpy as np\nnp.zeros(2).tobytes()", '"tobytes" of array is not available'),
    ("import numpy as np\nnp.zeros(2).base", '"base" of array is not available'),
    ("import numpy as np\nnp.zeros(2).flags", '"flags" of array is not available'),
    ("import numpy as np\na = np.zeros(2)\na.strides = (0,)", 'can\'t set "strides" on array'),
    ("import numpy as np\nnp.zeros(2).setflags(write=True)", '"setflags" of array is not'),
    ("memoryview(b'abc')", "memoryview() is not available"),
    ("import numpy as np\nnp.frombuffer(b'abcdefgh', dtype=object)", "numpy.frombuffer is not"),
    ("import numpy as np\nnp.ndarray((10 ** 6,), buffer=b'x')", "can't be created directly"),
    ("import numpy as np\nnp.zeros(2).dumps()", '"dumps" of array is not available'),
    ("import numpy as np\nnp.float64(1).dumps()", '"dumps" of "float64" object is not'),
    ("import numpy as np\nnp.float64(1).data", '"data" of "float64" object is not'),
    # ndarray's constructor reads any buffer as any dtype, object pointers included
    (
        "import numpy as np\ntype(np.zeros(2))((2,), buffer=b'abcdefghabcdefgh', dtype=object)",
        "can't be created directly",
    ),
    (
        "import numpy as np\nnp.ndarray((2,), buffer=b'abcdefghabcdefgh', dtype=object)",
        "can't be created directly",
    ),
    # resize(refcheck=False) frees memory a view still points at
    (
        "import numpy as np\na = np.zeros(4)\nb = a[:]\na.resize((10 ** 6,), refcheck=False)",
        '"resize" of array is not available',
    ),
    ("type(iter([]))([])", "can't be created directly"),
    ("import numpy as np\ntype(np.zeros(2)).mro()", "\"mro\" of class 'numpy.ndarray'"),
]

# Issue 9: functions handed out by facades are sealed; nothing behind them is reachable.
SEALED_FUNCTIONS = [
    (
        "import numpy as np\ng = np.random.default_rng.func_globals\ng['__builtins__']",
        '"func_globals" of a function is not available',
    ),
    ("import numpy as np\nnp.random.default_rng.func_code", '"func_code" of a function'),
    ("import numpy as np\nnp.random.default_rng.func_closure", '"func_closure" of a function'),
    ("import numpy as np\nnp.random.default_rng.func_dict", '"func_dict" of a function'),
    (
        "import numpy as np\ngetattr(np.random.default_rng, 'func_globals')",
        '"func_globals" of a function is not available',
    ),
    ("import numpy as np\nnp.random.rand.func_globals", '"func_globals" of a function'),
    ("import numpy as np\nnp.add.reduce", '"reduce" of a function is not available'),
    ("import numpy as np\nnp.mean.func_globals", '"func_globals" of a function'),
    ("import math\nmath.sqrt.func_globals", '"func_globals" of a function'),
    ("import random\nrandom.random.func_globals", '"func_globals" of a function'),
    (
        "import numpy as np\nr = np.random.default_rng(0)\nr.normal.func_globals",
        '"func_globals" of a function is not available',
    ),
    ("[].append.func_globals", '"func_globals" of a function is not available'),
    ("getattr.func_globals", '"func_globals" of a function is not available'),
    ("x = print\nx.func_globals", '"func_globals" of a function is not available'),
    ("def f():\n    pass\nf.func_globals", '"func_globals" of a function is not available'),
    ("{}.keys().mapping", '"mapping" of "dict_keys" object is not available'),
    ("import numpy as np\nnp.finfo(float).negep", '"negep" of "finfo" object is not'),
]

# Issue 9: super() with a real NumPy or str type was a proxy past the guards.
SUPER = [
    ("import numpy as np\nx = np.float64(1)\nsuper(np.float64, x).dumps()", NO_SUPER),
    ("import numpy as np\nx = np.float64(1)\nsuper(type(x), x).view", NO_SUPER),
    ("import numpy as np\nx = np.float64(1)\nsuper(type(x), x).data", NO_SUPER),
    ("import numpy as np\nx = np.float64(1)\nsuper(np.float64, x).dumps", NO_SUPER),
    (
        "import numpy as np\ns = np.array(['{0.__globals__}'])[0]\nsuper(type(s), s).format(print)",
        NO_SUPER,
    ),
    ("import numpy as np\ns = np.array(['x'])[0]\ngetattr(super(type(s), s), 'format')", NO_SUPER),
    ("class A:\n    pass\nsuper(A, A()).nothing_there", None),  # plain AttributeError
    ("class E(Exception):\n    pass\nsuper(Exception, E()).args", NO_SUPER),
    ("class E(Exception):\n    pass\nsuper(E, E()).args\nsuper(object, E()).args", NO_SUPER),
    (
        "class E(Exception):\n    def tb(self):\n        return super().with_traceback\nE().tb()",
        '"with_traceback" of "super" object is not available',
    ),
    ("class E(Exception):\n    pass\nE().with_traceback", '"with_traceback" of "E" object'),
    ("class E(Exception):\n    pass\nE.mro()", '"mro" of class "E" is not available'),
    # Defined on the class itself, not on `type`: still a refusal, never a "typo".
    ("int.real", '"real" of class "int" is not available'),
    ("import statistics\nstatistics.NormalDist.cdf", '"cdf" of class "NormalDist" is not'),
]


def _cases(name: str, cases: list[tuple[str, str | None]]) -> list[object]:
    return [
        pytest.param(code, expected, id=f"{name}-{i}")
        for i, (code, expected) in enumerate(cases)
        if expected is not None
    ]


@pytest.mark.parametrize(
    ("code", "expected"),
    _cases("files", FILES)
    + _cases("imports", IMPORTS)
    + _cases("dunder", DUNDER_WALKS)
    + _cases("format", FORMAT_STRINGS)
    + _cases("frames", FRAMES)
    + _cases("memory", RAW_MEMORY)
    + _cases("sealed", SEALED_FUNCTIONS)
    + _cases("super", SUPER),
)
async def test_the_policy_itself_refuses(sandbox: Sandbox, code: str, expected: str) -> None:
    result = await sandbox.run(code + "\n")
    assert result.status is Status.REJECTED, (code, result)
    assert result.error is not None and result.error.type in POLICY_ERROR_TYPES, result
    assert expected in result.error.message, (code, result.error.message)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("import numpy as np\nnp.os", "module 'numpy' has no attribute 'os'"),
        ("import math\nmath.sys", "module 'math' has no attribute 'sys'"),
        ("import numpy as np\nnp.DataSource()", "module 'numpy' has no attribute 'DataSource'"),
        ("import numpy as np\nnp.zeros(2).shap", 'array has no attribute "shap"'),
        ("class A:\n    pass\nsuper(A, A()).nothing_there", 'has no attribute "nothing_there"'),
        ("class A:\n    pass\nA.nothing_there", 'class "A" has no attribute "nothing_there"'),
    ],
)
async def test_names_that_do_not_exist_are_plain_attribute_errors(
    sandbox: Sandbox, code: str, message: str
) -> None:
    """A typo is Python's AttributeError, and the error carries no object (`.obj`)."""
    result = await sandbox.run(code + "\n")
    assert result.status is Status.ERROR, result
    assert result.error is not None and result.error.type == "AttributeError"
    assert message in result.error.message


async def test_a_caught_refusal_can_not_be_raised_as_the_learners_own(sandbox: Sandbox) -> None:
    """`rejected` comes only from the policy: learner code can't build a refusal of its own."""
    code = (
        "try:\n    getattr(1, '_x')\nexcept AttributeError as e:\n    kind = type(e)\n"
        "print(kind)\nkind('I am the policy')\n"
    )
    result = await sandbox.run(code)
    assert result.status is Status.REJECTED, result
    assert result.error is not None and "can't be created directly" in result.error.message
    subclass = await sandbox.run(
        "try:\n    getattr(1, '_x')\nexcept AttributeError as e:\n    kind = type(e)\n"
        "class Mine(kind):\n    pass\n"
    )
    assert subclass.status is Status.REJECTED, subclass
    assert subclass.error is not None and "inherit" in subclass.error.message


async def test_refusals_explain_themselves_in_plain_words(sandbox: Sandbox) -> None:
    dunder = await sandbox.run("x = (1).__class__\n")
    assert dunder.status is Status.REJECTED
    assert 'attribute names starting with "_" are not allowed' in dunder.message
    imported = await sandbox.run("import os\n")
    assert imported.status is Status.REJECTED
    assert "can't be imported" in imported.message and "numpy" in imported.message
    refused = await sandbox.run("import numpy as np\nv = np.zeros(2).view(np.int64)\n")
    assert refused.status is Status.REJECTED and refused.error is not None
    assert refused.error.line == 2
    assert refused.message == (
        'This isn\'t allowed in the sandbox on line 2: "view" of array is not available in '
        "the sandbox"
    )


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


@pytest.mark.parametrize(
    "code",
    [
        "def f():\n    pass\nf.x",
        "class A:\n    def f(self):\n        pass\nA().f.x",
        "[].append.x",
        "print.x",
    ],
)
async def test_refusals_name_functions_as_functions(sandbox: Sandbox, code: str) -> None:
    result = await sandbox.run(code + "\n")
    assert result.status is Status.REJECTED, result
    assert result.error is not None and result.error.type in POLICY_ERROR_TYPES
    assert result.error.message == '"x" of a function is not available in the sandbox'
