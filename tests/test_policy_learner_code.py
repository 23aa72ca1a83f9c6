"""Correct learner code keeps working under the default-deny policy, exactly as in Python.

The NumPy, container and class surface that lessons and learners use; augmented assignment
to items and attributes (`dW1[k, j] += ...`); calls with `*args`/`**kw`, `hasattr`,
`getattr` with a default and `print(sep=..., end=None)`. Where it makes sense, the
sandbox's output is compared with plain CPython running the same code.
"""

from __future__ import annotations

import contextlib
import io

import pytest

from sandbox import Sandbox, Status
from tests.sandbox_support import sandbox_fixture

pytestmark = pytest.mark.asyncio(loop_scope="module")
sandbox = sandbox_fixture()


def plain_python_output(code: str) -> str:
    """What CPython itself prints for `code` (trusted test code only)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<plain>", "exec"), {"__name__": "plain"})
    return out.getvalue()


async def assert_same_as_python(sandbox: Sandbox, code: str) -> str:
    result = await sandbox.run(code)
    assert result.status is Status.OK, result
    assert result.stdout == plain_python_output(code)
    return result.stdout


NUMPY_SURFACE = """
import numpy as np
X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
w = np.array([0.5, -0.25])
print(X.shape, X.ndim, X.size, X.dtype, X.dtype.name, X.T.shape, X.reshape(2, 3).shape)
print(X.sum(), X.sum(axis=0), X.mean(axis=1), X.dot(w), X @ w, X.T.dot(X).trace())
print(X.max(), X.min(axis=0), X.argmax(), X.argmin(axis=1), X.std().round(3), X.var(axis=0))
print(X.astype(int).tolist(), X.copy().flatten(), X.ravel()[:2], X.item(0), X[1].tolist())
print(X.clip(2, 5).sum(), X.cumsum()[-1], X.prod(axis=0), np.abs(-X).any(), (X > 3).all())
print(X.squeeze().shape, X[None].shape, X.transpose().shape, X.swapaxes(0, 1).shape)
print(np.float64(2.5).item(), np.float64(2.5).is_integer(), np.int64(7).item(), X.real.sum())
print(X.dtype.kind, X.dtype.itemsize, X.nbytes, X.itemsize, X.mean().dtype, type(X.sum()))
print(np.finfo(np.float64).eps > 0, np.iinfo(np.int32).max, np.sort(np.array([3, 1, 2])))
print(np.argsort(w), w.argsort(), np.unique(np.array([1, 1, 2])), len(X), X.flat[3])
print(np.zeros(3, dtype=np.float32).dtype, np.ones((2, 2)).astype(np.int64).dtype.name)
rng = np.random.default_rng(0)
print(rng.normal(size=3).shape, rng.integers(0, 10, size=2).shape, rng.random() < 1)
print(rng.uniform(-1, 1, (2, 2)).shape, rng.choice(5, 2).shape, rng.permutation(4).shape)
np.random.seed(1)
print(np.random.randn(2, 2).shape, np.random.rand(3).shape)
e = np.linalg.eig(np.eye(2))
print(e.eigenvalues, np.linalg.norm(w).round(4), np.linalg.inv(np.eye(2)).tolist())
with np.errstate(divide="ignore"):
    print(np.log(np.array([0.0, 1.0])))
try:
    np.linalg.inv(np.zeros((2, 2)))
except np.linalg.LinAlgError as err:
    print("singular", err.args)
"""

CONTAINER_SURFACE = """
lst = [3, 1, 2]
lst.append(4); lst.sort(); lst.extend([5]); lst.insert(0, 0)
print(lst, lst.index(3), lst.count(1), lst.pop(), lst.copy())
d = {"a": 1}
d.update(b=2); d.setdefault("c", 3)
print(sorted(d.items()), list(d.keys()), d.get("z", 0), d.pop("a"), "b" in d)
s = {1, 2}
s.add(3); s.discard(1)
print(sorted(s | {9}), s.union({0}) >= s, (1, 2, 2).count(2), frozenset([1]).issubset({1}))
text = "  Loss: {:.2f} {name}  ".format(0.123, name="ok")
print(text.strip().lower(), "-".join(["a", "b"]), "a,b".split(","), "x".upper().zfill(3))
print(str.join(",", ["1", "2"]), dict.fromkeys("ab", 0), int.from_bytes(b"\\x01", "big"))
print(range(5).stop, slice(1, 4).start, (2.5).is_integer(), (1 + 2j).imag, (3).bit_length())
print("{} {:>4}".format("a", 1), "%s=%d" % ("n", 3), f"{2 / 3:.3f}", str(1.5), repr("q"))
try:
    {}["missing"]
except KeyError as err:
    print("key", err.args)
"""

CLASSES = """
class Model:
    kind = "linear"
    def __init__(self, w):
        self.w = w
    @property
    def weight(self):
        return self.w
    @weight.setter
    def weight(self, value):
        self.w = value
    @staticmethod
    def make():
        return Model(0)
    @classmethod
    def named(cls):
        return cls.kind
    def describe(self):
        return "model " + str(self.w)
class Bigger(Model):
    def describe(self):
        return super().describe() + " (bigger)"
    def plain(self):
        return super(Bigger, self).describe()
class TrainingError(ValueError):
    pass
m = Bigger(2)
m.weight = 5
setattr(m, "extra", 1)
print(m.describe(), m.plain(), m.weight, m.extra, Model.make().w, Bigger.named(), m.kind)
print(isinstance(m, Model), type(m) is Bigger, hasattr(m, "extra"), getattr(m, "nope", "-"))
delattr(m, "extra")
print(hasattr(m, "extra"))
try:
    raise TrainingError("diverged", 3)
except ValueError as err:
    print("caught", err.args, str(err))
"""


@pytest.mark.parametrize(
    "code",
    [
        pytest.param(NUMPY_SURFACE, id="numpy"),
        pytest.param(CONTAINER_SURFACE, id="containers"),
        pytest.param(CLASSES, id="classes"),
    ],
)
async def test_learner_surface_works_as_in_python(sandbox: Sandbox, code: str) -> None:
    await assert_same_as_python(sandbox, code)


AUGMENTED = """
import numpy as np
dW1 = np.zeros((2, 3))
for k in range(2):
    for j in range(3):
        dW1[k, j] += k * 10 + j
dW1[1] -= 1
dW1[:, 0] *= 2
view = dW1[0]
dW1[0] += 100
print(dW1.tolist(), view.tolist())
a = np.zeros(5)
a[1:3] += 1
a[::2] -= 1
pieces = [1, 2, 3]
pieces[0:2] += [9]
print(a.tolist(), pieces)
lst = [1, 2, [3]]
inner = lst[2]
lst[0] += 5
lst[-2] *= 3
lst[2] += [4]
print(lst, inner is lst[2])
grid = [[0, 0], [0, 0]]
grid[1][0] += 7
counts = {}
for word in "a b a c a".split():
    counts[word] = counts.get(word, 0)
    counts[word] += 1
print(grid, counts)
class Layer:
    def __init__(self):
        self.w = np.ones(2)
        self.steps = 0
        self.log = []
    def step(self, g):
        self.w -= 0.5 * g
        self.steps += 1
        self.log += ["s"]
layer = Layer()
layer.step(np.array([1.0, 2.0]))
layer.step(np.array([1.0, 2.0]))
layer.w[0] += 10
print(layer.w.tolist(), layer.steps, layer.log)
class Counter:
    total = 0
Counter.total += 3
print(Counter.total)
"""

# Object, key, read, value, operation, write: each once, in Python's order.
EVALUATED_ONCE = """
calls = []
lst = [0]
def pick(i):
    calls.append(i)
    return i
def target():
    calls.append("t")
    return lst
def value():
    calls.append("v")
    return 1
target()[pick(0)] += value()
print(calls, lst)
class Box:
    pass
box = Box()
box.n = 1
def get_box():
    calls.append("box")
    return box
get_box().n += value()
print(calls, box.n)
calls.clear()
try:
    (calls.append("o") or {})[pick("missing")] += value()
except KeyError as e:
    print("KeyError", e.args, calls)
t = ([1],)
try:
    t[0] += [2]
except TypeError:
    print("TypeError", t)
"""


@pytest.mark.parametrize(
    "code",
    [pytest.param(AUGMENTED, id="arrays-lists-dicts-objects"), pytest.param(EVALUATED_ONCE)],
)
async def test_augmented_assignment_to_items_and_attributes(sandbox: Sandbox, code: str) -> None:
    await assert_same_as_python(sandbox, code)


@pytest.mark.parametrize(
    ("code", "kind", "message"),
    [
        ("x = [1]\nx.__class__ += 1", "PolicyError", 'starting with "_" are not allowed'),
        ("class A:\n    pass\na = A()\na._w = 1", "PolicyError", 'starting with "_"'),
        ("class A:\n    def f(self):\n        self._w += 1", "PolicyError", 'starting with "_"'),
        ("import numpy as np\nnp.pi += 1", "NotAvailable", "can't set \"pi\" on module 'numpy'"),
        ("import numpy as np\na = np.zeros(2)\na.shape += (1,)", "NotAvailable", "can't set"),
        (
            "import numpy as np\nr = np.random.default_rng(0)\nr.bit_generator += 1",
            "NotAvailable",
            '"bit_generator" of "Generator" object is not available',
        ),
        (
            "try:\n    1 / 0\nexcept Exception as e:\n    e.args += ('x',)",
            "NotAvailable",
            'can\'t set "args" on "ZeroDivisionError" object',
        ),
        (
            "import numpy as np\nnp.random.default_rng.func_globals['__builtins__'] += 1",
            "NotAvailable",
            '"func_globals" of a function is not available',
        ),
        (
            "g = {'__builtins__': {}, 'x': 1}\ng['__builtins__'] += 1",
            "NotAvailable",
            'items named with a leading "_" are not available on "dict" object',
        ),
        ("x = [print]\nx[0].calls += 1", "NotAvailable", '"calls" of a function'),
        # the right-hand side gets every check too
        ("x = [1]\nx[0] += (1).__class__", "PolicyError", 'starting with "_" are not allowed'),
        (
            "import numpy as np\nx = [np.zeros(1)]\nx[0] += np.zeros(1).view(np.int64)",
            "NotAvailable",
            '"view" of array is not available',
        ),
        (
            "class A:\n    pass\na = A()\na.n = 1\na.n += len(print.func_globals)",
            "NotAvailable",
            '"func_globals" of a function is not available',
        ),
    ],
)
async def test_augmented_assignment_keeps_every_guard(
    sandbox: Sandbox, code: str, kind: str, message: str
) -> None:
    result = await sandbox.run(code + "\n")
    assert result.status is Status.REJECTED, result
    assert result.error is not None and result.error.type == kind
    assert message in result.error.message


async def test_calls_with_star_args_and_keyword_dicts_return_the_result(
    sandbox: Sandbox,
) -> None:
    code = (
        "def f(a, b=0, *rest, **kw):\n    return [a, b, list(rest), kw]\n"
        "args = [1, 2, 3]\nkw = {'z': 4}\n"
        "r1 = f(*args)\nr2 = f(**{'a': 5})\nr3 = f(*args, **kw)\nr4 = max(*[3, 9, 4])\n"
        "import numpy as np\nshape = {'shape': (2, 3)}\nr5 = np.zeros(**shape).shape\n"
    )
    probes = {name: name for name in ("r1", "r2", "r3", "r4", "r5")}
    result = await sandbox.run(code, probes=probes)
    assert result.status is Status.OK, result
    got = {name: result.probes[name].value for name in probes}
    assert got == {
        "r1": [1, 2, [3], {}],
        "r2": [5, 0, [], {}],
        "r3": [1, 2, [3], {"z": 4}],
        "r4": 9,
        "r5": [2, 3],
    }


async def test_hasattr_and_getattr_with_a_default(sandbox: Sandbox) -> None:
    code = (
        "import numpy as np\nclass A:\n    pass\na = A()\na.x = 1\narr = np.zeros(2)\n"
        "print(hasattr([], 'append'), hasattr([], 'nope'), hasattr(a, 'x'), hasattr(a, 'y'))\n"
        "print(hasattr(arr, 'shape'), hasattr(arr, 'view'), hasattr(arr, '__class__'))\n"
        "print(getattr(a, 'x', 0), getattr(a, 'y', 7), getattr(arr, 'ndim', None))\n"
        "print(getattr(arr, 'view', 'refused'), getattr(np, 'loadtxt', 'absent'))\n"
        "print(getattr(arr, '__class__', 'hidden'), getattr(print, 'func_globals', None))\n"
    )
    result = await sandbox.run(code)
    assert result.status is Status.OK, result
    assert result.stdout == (
        "True False True False\nTrue False False\n1 7 1\nrefused absent\nhidden None\n"
    )


@pytest.mark.parametrize(
    ("code", "stdout"),
    [
        ("print(1, 2, sep='-', end=None)", "1-2\n"),
        ("print('a', 'b', sep=None)", "a b\n"),
        ("print('x', end='')\nprint('y', end='!')", "xy!"),
        ("print()", "\n"),
        ("print(*[1, 2, 3], sep=', ')", "1, 2, 3\n"),
        ("p = print\np('held', 1)", "held 1\n"),
        ("print(1, 2, sep='', end='\\n\\n')", "12\n\n"),
    ],
)
async def test_print_separators_and_endings(sandbox: Sandbox, code: str, stdout: str) -> None:
    result = await sandbox.run(code + "\n")
    assert result.status is Status.OK, result
    assert result.stdout == stdout
    assert result.stdout == plain_python_output(code + "\n")


async def test_allowed_surface_still_works(sandbox: Sandbox) -> None:
    """The refusals must not cost learners the API the lessons need."""
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


async def test_an_instance_attribute_shadows_a_method_of_an_exception_base(
    sandbox: Sandbox,
) -> None:
    code = (
        "class E(Exception):\n    pass\ne = E('boom')\ne.with_traceback = 5\ne.add_note = 'n'\n"
        "print(e.with_traceback, e.add_note, e.args)\n"
    )
    assert await assert_same_as_python(sandbox, code) == "5 n ('boom',)\n"


async def test_methods_written_in_python_are_handed_out_sealed(sandbox: Sandbox) -> None:
    """The first read in a fresh child already seals a Python method (no `__func__` route)."""
    code = (
        "import statistics\ncdf = statistics.NormalDist().cdf\nprint(cdf)\n"
        "print(round(cdf(0.0), 2))\n"
    )
    result = await sandbox.run(code)
    assert result.status is Status.OK, result
    assert result.stdout == "<function cdf>\n0.5\n"


@pytest.mark.parametrize(
    "call",
    [
        "getattr([], 1)",
        "getattr(A(), 1, None)",
        "hasattr([], 1)",
        "setattr(A(), 1, 2)",
        "delattr(A(), 1)",
        "a = A()\nsetattr(a, 'x', 1)\ndelattr(a, b'x')",
    ],
)
async def test_an_attribute_name_that_is_not_a_string_is_a_type_error(
    sandbox: Sandbox, call: str
) -> None:
    result = await sandbox.run(f"class A:\n    pass\n{call}\n")
    assert result.status is Status.ERROR, result
    assert result.error is not None and result.error.type == "TypeError"
    assert result.error.message == "attribute name must be a string"


async def test_super_looks_past_the_class_it_is_called_from_only(sandbox: Sandbox) -> None:
    """super() in F finds E's own method before the exception base's one of the same name."""
    code = (
        "class E(Exception):\n    def with_traceback(self, tb=None):\n        return 'E'\n"
        "class F(E):\n    def with_traceback(self, tb=None):\n"
        "        return 'F+' + super().with_traceback()\n"
        "print(F().with_traceback())\n"
    )
    assert await assert_same_as_python(sandbox, code) == "F+E\n"


async def test_a_learners_own_format_method_is_not_taken_for_str_format(
    sandbox: Sandbox,
) -> None:
    code = (
        "class Box:\n    def format(self, x='?'):\n        return 'box ' + str(x)\n"
        "    def format_map(self, m):\n        return 'map'\n"
        "print(Box().format(1), Box.format(Box()), Box().format_map({}))\n"
        "print('{}-{}'.format(1, 2), str.format('{0}', 3), '{a}'.format_map({'a': 4}))\n"
        "print(str.format_map('{a}-{b}', {'a': 5, 'b': 6}))\n"
    )
    assert await assert_same_as_python(sandbox, code) == "box 1 box ? map\n1-2 3 4\n5-6\n"


async def test_the_learners_own_methods_stay_bound_methods(sandbox: Sandbox) -> None:
    """Only methods of objects that aren't the learner's are sealed; their own (through an
    instance, the class or super()) print and compare as in Python."""
    code = (
        "class A:\n    def f(self):\n        return 1\n    @classmethod\n    def g(cls):\n"
        "        return 2\nclass B(A):\n    def h(self):\n        return super().f\n"
        "a = B()\nprint(a.f)\nprint(B.g)\nprint(a.h())\nprint(a.f == a.f, B.g == B.g)\n"
    )
    result = await sandbox.run(code)
    assert result.status is Status.OK, result
    lines = result.stdout.splitlines()
    assert lines[0].startswith("<bound method A.f of <learner.B object at 0x"), lines
    assert lines[1] == "<bound method A.g of <class 'learner.B'>>", lines
    assert lines[2] == lines[0] and lines[3] == "True True", lines


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("[1].x = 1", ("AttributeError", "'list' object has no attribute 'x'")),
        ("{1}.x = 1", ("AttributeError", "'set' object has no attribute 'x'")),
        ("{}.x = 1", ("AttributeError", "'dict' object has no attribute 'x'")),
        ("a = [1]\na['_k'] = 1", ("TypeError", "list indices must be integers or slices, not str")),
        ("s = {1}\ns['_k'] = 1", ("TypeError", "'set' object does not support item assignment")),
    ],
)
async def test_writes_to_the_learners_own_containers_fail_as_in_python(
    sandbox: Sandbox, code: str, error: tuple[str, str]
) -> None:
    """The learner's own list, set and dict are written directly: Python's own errors, not
    a refusal meant for objects that aren't theirs."""
    result = await sandbox.run(code + "\n")
    assert result.status is Status.ERROR, result
    assert result.error is not None and (result.error.type, result.error.message) == error


EVERY_AUGMENTED_OPERATOR = """
import numpy as np
class Box:
    pass
b = Box()
x = [13]
b.v = 13
x[0] += 5; b.v += 5; print(x, b.v)
x[0] -= 3; b.v -= 3; print(x, b.v)
x[0] *= 4; b.v *= 4; print(x, b.v)
x[0] //= 7; b.v //= 7; print(x, b.v)
x[0] %= 5; b.v %= 5; print(x, b.v)
x[0] **= 3; b.v **= 3; print(x, b.v)
x[0] <<= 2; b.v <<= 2; print(x, b.v)
x[0] >>= 1; b.v >>= 1; print(x, b.v)
x[0] &= 0b1011; b.v &= 0b1011; print(x, b.v)
x[0] ^= 0b0110; b.v ^= 0b0110; print(x, b.v)
x[0] |= 0b10000; b.v |= 0b10000; print(x, b.v)
x[0] /= 4; b.v /= 4; print(x, b.v)
m = [np.eye(2)]
b.m = np.eye(2)
m[0] @= np.array([[1.0, 2.0], [3.0, 4.0]]); b.m @= np.array([[0.0, 1.0], [1.0, 0.0]])
print(m[0].tolist(), b.m.tolist())
"""


async def test_every_augmented_operator_on_items_and_attributes(sandbox: Sandbox) -> None:
    await assert_same_as_python(sandbox, EVERY_AUGMENTED_OPERATOR)


async def test_plain_items_of_a_namespace_like_dict_can_be_changed(sandbox: Sandbox) -> None:
    """A dict with a "__builtins__" key is not treated as the learner's own, but its plain
    items still work, through the write guard (its "_" items: test_sandbox_security)."""
    code = "g = {'__builtins__': {}, 'x': 1, 'y': 2}\ndel g['x']\ng['z'] = 3\nprint(g)\n"
    assert await assert_same_as_python(sandbox, code) == "{'__builtins__': {}, 'y': 2, 'z': 3}\n"


UNPACKING = """
pairs = [(1, 2), (3, 4)]
for a, b in pairs:
    print(a + b)
print([a * b for a, b in pairs], {a: b for a, b in pairs})
for i, (a, b) in enumerate(pairs):
    print(i, a, b)
(x, y), z = pairs[0], 5
first, *rest = [1, 2, 3]
print(x, y, z, first, rest)
"""


async def test_unpacking_in_loops_comprehensions_and_assignments(sandbox: Sandbox) -> None:
    await assert_same_as_python(sandbox, UNPACKING)


async def test_printed_gives_what_was_printed_so_far(sandbox: Sandbox) -> None:
    """RestrictedPython's `printed` name: everything the run has printed so far."""
    code = (
        "print('a')\nprint('b', end='')\nsofar = printed\n"
        "def f():\n    print('in f')\n    return printed\nprint(repr(sofar), repr(f()))\n"
    )
    result = await sandbox.run(code)
    assert result.status is Status.OK, result
    assert result.stdout == "a\nbin f\n'a\\nb' 'a\\nbin f\\n'\n"
