"""Mutation testing: change one small thing in a module, run its tests, see if any fails.

Run (niced: the tool also lowers its own priority to at least 15):

    nice -n 15 .venv/bin/python benchmarks/mutation.py                   # every module below
    nice -n 15 .venv/bin/python benchmarks/mutation.py lessons/expect.py # one module
    .venv/bin/python benchmarks/mutation.py lessons/expect.py --list      # the mutants only
    .venv/bin/python benchmarks/mutation.py lessons/expect.py --only 3,7-9

Each mutant is written into a private copy of the repository (never into this working
tree), and the module's tests run there with `python -m pytest -x`. Code that runs inside
the sandbox's child is reached too: the zygote puts the copy's root first on its path
(it locates the project from its own file), so it imports the mutated file from disk.
mutmut could not do that: it switches mutants on through an environment variable, which
the zygote scrubs. A mutant is *killed* when a test fails (or the run times out), and
*survives* when every test passes. The score is killed / (mutants - equivalent), where
`EQUIVALENT` below lists, with a reason, mutants that cannot change behaviour.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Each module, with the tests that should pin it down, fastest first (`-x` stops at the
# first failure, so a mutant the unit tests kill never waits for the slower ones). The
# entries are pytest arguments: files, node ids, or options such as --deselect.
TARGETS: dict[str, list[str]] = {
    "bot/store/attempts.py": [
        "tests/test_store_scopes.py",
        "tests/test_store_progress.py",
        "tests/test_store_leaderboard.py",
        "tests/test_store_moderation.py",
    ],
    "bot/core/unlocking.py": [
        "tests/test_core_unlocking.py",
        "tests/test_core_lessons.py",
    ],
    "lessons/judge.py": [
        "tests/test_lessons_judge_statuses.py",
        "tests/test_lessons_judge.py",
        "tests/test_lessons_grading.py",
    ],
    "lessons/expect.py": [
        "tests/test_lessons_expect_rules.py",
        "tests/test_lessons_expect.py",
        "tests/test_lessons_judge.py",
    ],
    "sandbox/child_io.py": [
        "tests/test_sandbox_child_io.py",
        "tests/test_result_channel.py",
        "tests/test_sandbox_statuses.py",
        "tests/test_result_channel_attacks.py",
        # A million caught prints need more than the 2 s limit when a niced child gets a
        # third of a core: it times out instead, whatever the mutant.
        "--deselect=tests/test_sandbox_statuses.py::test_catching_the_output_limit_does_not_hide_it",
    ],
    "sandbox/result_decoding.py": [
        "tests/test_result_decoding.py",
        "tests/test_sandbox_child_io.py",
        "tests/test_result_channel.py",
    ],
    "sandbox/guards.py": [
        "tests/test_sandbox_units.py",
        "tests/test_policy_guards.py",
        "tests/test_policy_learner_code.py",
        "tests/test_policy_lesson_styles.py",
        "tests/test_sandbox_security.py",
        "tests/test_policy_reachability.py",
    ],
}

# Mutants shown not to change behaviour, by module and `Mutant.key`, with the reason.
_DATA_DESCRIPTOR = (
    "a learner puts a name into an instance's __dict__ only by assignment, which a data"
    " descriptor of the base intercepts: its name is never in the dict, whatever this says"
)
EQUIVALENT: dict[str, dict[str, str]] = {
    "bot/store/attempts.py": {
        "_dump: False -> (True) in `return json.dumps(encode_floats(value), allow_nan=False)`": (
            "encode_floats has already tagged every non-finite float and the keys are check"
            " and metric names (strings), so json.dumps never meets a NaN to allow or refuse"
        ),
    },
    "sandbox/child_io.py": {
        "_Exchange._read: 65536 -> (65537) in `while chunk := os.read(self.result_fd, 65536):`": (
            "only the most read at once: the bytes are gathered until EOF or past the cap"
            " either way, and the cap is checked after every chunk"
        ),
        '_Exchange.__init__: self.pending = memoryview(b"") -> pass': (
            "run() sets pending before anything reads it; the default only declares it"
        ),
        "_Exchange._stop_reading: self.reading = False -> pass": (
            "a second _stop_reading (the finally after _finish) removes a reader the loop no"
            " longer has, which asyncio treats as a no-op"
        ),
        "_Exchange._stop_reading: False -> (True) in `self.reading = False`": (
            "the same: a second remove_reader of an unregistered descriptor is a no-op"
        ),
        "_Exchange._finish: self._stop_reading() -> pass in `self._stop_reading() # a child"
        " past the cap may still be writing: read no more`": (
            "the finally stops reading too, before the descriptor is closed; stopping here"
            " only spares one more read of a child still writing past the cap, whose bytes"
            " are no longer part of the returned result"
        ),
    },
    "sandbox/result_decoding.py": {
        "Details: True -> (False) in `@dataclass(frozen=True)`": (
            "a Details is built once and child_io.assemble only reads its fields"
        ),
        "_one_frame: len(raw) < HEADER.size -> (len(raw) <= HEADER.size) in `if len(raw) <"
        " HEADER.size:`": (
            "only a bare 4-byte header changes side, and it is refused either way: json.loads"
            " of its empty body raises, and assemble makes any exception the same crash"
            " (only the detail in parentheses differs)"
        ),
    },
    "sandbox/guards.py": {
        "_carries_globals: (types.FunctionType, types.MethodType) -> ((types.MethodType,))": (
            "a Python function's type defines __globals__ itself, so the name check finds it"
        ),
        '_carries_globals: ("func_globals", "__globals__") -> ((\'__globals__\',))': (
            "the only type defining func_globals, Cython's cyfunction, defines __globals__ too"
        ),
        '_carries_globals: ("func_globals", "__globals__") -> ((\'func_globals\',))': (
            "the only types defining __globals__ are Python functions, listed by type, and"
            " Cython's cyfunction, which defines func_globals too"
        ),
        "_carries_globals: _GLOBALS_CARRIERS[cls] = carries -> pass": (
            "the cache only saves work: the answer is computed again, the same, each time"
        ),
        '_is_data_descriptor: return hasattr(kind, "__set__") or hasattr(kind,'
        ' "__delete__") -> return None': _DATA_DESCRIPTOR,
        '_is_data_descriptor: hasattr(kind, "__set__") or hasattr(kind, "__delete__") ->'
        " (hasattr(kind, '__set__') and hasattr(kind, '__delete__'))": _DATA_DESCRIPTOR,
        "LearnerGuards.may_read: cls not in self.learner_classes -> (cls in"
        " self.learner_classes)": (
            "only skips the fast path: no learner class, no metaclass and no '_' name is in"
            " EXACT_INSTANCES, and allowlist.readable answers from the same sets (and"
            " Facade.offers) further down"
        ),
        "LearnerGuards.may_read: return obj.offers(name) -> return None": (
            "getattr, the only caller, asks only after Facade.attribute found the name absent,"
            " and then offers() is False too: None is just as false"
        ),
        "LearnerGuards.write: (list, set, bytearray) -> ((list, set)) in `cls in (list, set,"
        " bytearray)`": (
            "learner code never holds a bytearray: no builtin makes one and the reachability"
            " walk (tests/test_policy_reachability.py) reaches none"
        ),
        "_Target: True -> (False) in `@dataclass(frozen=True)`": (
            "a _Target is made and used up inside one generated `_inplace_(...)` call that"
            " learner code can't name, and nothing assigns to its fields"
        ),
        "<module>: {types.FunctionType, types.MethodType, types.BuiltinFunctionType,"
        " types.MethodWrapperType} -> ({types.FunctionType, types.MethodType,"
        " types.BuiltinFunctionType})": (
            "learner code never holds a method-wrapper (only '_' names such as x.__add__ give"
            " one), and the reachability walk reaches none: no refusal ever names one"
        ),
        "LearnerGuards.may_read: return False -> return None": (
            "may_read is only ever used as a truth value"
        ),
    },
    "lessons/expect.py": {
        "fmt: isinstance(value, bool) or value is None -> (isinstance(value, bool) and value"
        " is None)": (
            "a bool then takes the int branch, str(True) == repr(True), and None falls through"
            " to repr(None): the same text either way"
        ),
        "_difference: 1 -> (2) in `close = np.isclose(a, b, rtol=RTOL, atol=ATOL).reshape("
        "a.shape[0], -1).all(axis=1)`": "NumPy takes any negative size as the unknown one",
    },
}

_COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
_EXACT_OPPOSITES = (ast.Eq, ast.NotEq, ast.Is, ast.IsNot, ast.In, ast.NotIn)
_ARITHMETIC_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv,
}
# SQL inside string constants: widen a filter, or flip a NULL test.
_SQL_FILTER = re.compile(r"\b(WHERE|AND)(\s+)([\w.]+\s*=\s*(?:\?|\$\d+|:\w+|[\w.]+))")
_SQL_NULL = re.compile(r"\bIS (NOT )?NULL\b")
_LOGGERS = {"log", "logger", "logging"}


@dataclass(frozen=True)
class Mutant:
    module: str
    index: int
    line: int
    operator: str
    scope: str  # the enclosing function or class, dotted
    original: str
    replacement: str
    start: int  # byte offsets of the replaced span in the module's UTF-8 source
    end: int
    context: str = ""  # the source line, which tells apart short changes like `1` -> `2`
    occurrence: int = 1  # the same change in the same scope and line again

    @property
    def key(self) -> str:
        """Stable across unrelated edits of the module (no line numbers)."""
        key = f"{self.scope}: {_squash(self.original)} -> {_squash(self.replacement)}"
        if len(self.original) <= 24 and self.context != _squash(self.original):
            key += f" in `{self.context}`"
        return key if self.occurrence == 1 else f"{key} ({self.occurrence})"

    def apply(self, source: bytes) -> bytes:
        return source[: self.start] + self.replacement.encode() + source[self.end :]


def _squash(text: str) -> str:
    return " ".join(text.split())


class _Finder(ast.NodeVisitor):
    """Walks a module and records (node, replacement text, operator) for each mutation."""

    def __init__(self) -> None:
        self.found: list[tuple[ast.AST, str, str, str]] = []
        self._scope: list[str] = []
        self._skip_elements: set[int] = set()

    def _add(self, node: ast.AST, replacement: ast.AST | str, operator: str) -> None:
        if isinstance(replacement, ast.AST):
            text = ast.unparse(replacement)
            replacement = text if isinstance(node, ast.stmt) else f"({text})"
        self.found.append((node, replacement, operator, ".".join(self._scope) or "<module>"))

    # Scopes, and the parts never mutated: docstrings, annotations, log calls, f-strings.

    def _visit_scope(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self._scope.append(node.name)
        for decorator in node.decorator_list:
            self.visit(decorator)
        if not isinstance(node, ast.ClassDef):
            for default in [*node.args.defaults, *node.args.kw_defaults]:
                if default is not None:
                    self.visit(default)
        else:
            for base in node.bases:
                self.visit(base)
        self._visit_body(node.body)
        self._scope.pop()

    visit_FunctionDef = _visit_scope
    visit_AsyncFunctionDef = _visit_scope
    visit_ClassDef = _visit_scope

    def visit_Module(self, node: ast.Module) -> None:
        self._visit_body(node.body)

    def _visit_body(self, body: list[ast.stmt]) -> None:
        for i, statement in enumerate(body):
            if i == 0 and _is_docstring(statement):
                continue
            self.visit(statement)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        # Positions inside f-strings are unreliable before Python 3.12: only SQL in their
        # literal parts is mutated, by rewriting the whole f-string.
        for i, part in enumerate(node.values):
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                for text, operator in _sql_mutations(part.value):
                    values = [*node.values[:i], ast.Constant(text), *node.values[i + 1 :]]
                    self._add(node, ast.JoinedStr(values=values), operator)

    def visit_If(self, node: ast.If) -> None:
        if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return
        self._negate(node.test)
        self.generic_visit(node)

    def visit_While(self, node: ast.While) -> None:
        self._negate(node.test)
        self.generic_visit(node)

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self._negate(node.test)
        self.generic_visit(node)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        for condition in node.ifs:
            self._negate(condition)
        self.visit(node.iter)
        for condition in node.ifs:
            self.visit(condition)

    def _negate(self, test: ast.expr) -> None:
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return  # removing the `not` is already a mutant
        if (
            isinstance(test, ast.Compare)
            and len(test.ops) == 1
            and isinstance(test.ops[0], _EXACT_OPPOSITES)
        ):
            return  # flipping the comparison already negates it exactly
        self._add(test, ast.UnaryOp(op=ast.Not(), operand=test), "negate condition")

    # Expressions

    def visit_Compare(self, node: ast.Compare) -> None:
        for i, op in enumerate(node.ops):
            swap = _COMPARE_SWAPS.get(type(op))
            if swap is not None:
                mutated = copy.copy(node)
                mutated.ops = [*node.ops[:i], swap(), *node.ops[i + 1 :]]
                self._add(node, mutated, "comparison")
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        self._add(node, ast.BoolOp(op=other, values=node.values), "and/or")
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        swap = _ARITHMETIC_SWAPS.get(type(node.op))
        if swap is not None:
            self._add(node, ast.BinOp(left=node.left, op=swap(), right=node.right), "arithmetic")
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not | ast.USub):
            self._add(node, node.operand, "remove unary")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            self._add(node, ast.Constant(not value), "constant")
        elif isinstance(value, int | float):
            self._add(node, ast.Constant(value + 1), "constant")
        elif isinstance(value, str):
            for text, operator in _sql_mutations(value):
                self._add(node, ast.Constant(text), operator)

    def _collection(self, node: ast.List | ast.Tuple | ast.Set) -> None:
        stored = (
            isinstance(getattr(node, "ctx", None), ast.Store) or id(node) in self._skip_elements
        )
        starred = any(isinstance(e, ast.Starred) for e in node.elts)
        if not stored and not starred and len(node.elts) >= 2:
            for i in range(len(node.elts)):
                mutated = copy.copy(node)
                mutated.elts = [*node.elts[:i], *node.elts[i + 1 :]]
                self._add(node, mutated, "remove element")
        self.generic_visit(node)

    visit_List = _collection
    visit_Tuple = _collection
    visit_Set = _collection

    def visit_Dict(self, node: ast.Dict) -> None:
        if len(node.keys) >= 2 and all(k is not None for k in node.keys):
            for i in range(len(node.keys)):
                mutated = ast.Dict(
                    keys=[*node.keys[:i], *node.keys[i + 1 :]],
                    values=[*node.values[:i], *node.values[i + 1 :]],
                )
                self._add(node, mutated, "remove element")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        if _is_log_call(node):
            return
        # A tuple or list handed to a call is an argument list (SQL parameters, say):
        # dropping one only breaks the call's arity, which any test notices.
        for argument in node.args:
            if isinstance(argument, ast.Tuple | ast.List):
                self._skip_elements.add(id(argument))
        self.generic_visit(node)

    # Statements

    def visit_Return(self, node: ast.Return) -> None:
        if node.value is not None and not (
            isinstance(node.value, ast.Constant) and node.value.value is None
        ):
            self._add(node, ast.Return(value=ast.Constant(None)), "return None")
        self.generic_visit(node)

    def visit_Expr(self, node: ast.Expr) -> None:
        if isinstance(node.value, ast.Call) and _is_log_call(node.value):
            return
        if not isinstance(node.value, ast.Constant):
            self._add(node, "pass", "remove statement")
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return
        if any(isinstance(t, ast.Attribute | ast.Subscript) for t in node.targets):
            self._add(node, "pass", "remove statement")
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        swap = _ARITHMETIC_SWAPS.get(type(node.op))
        if swap is not None:
            self._add(
                node, ast.AugAssign(target=node.target, op=swap(), value=node.value), "arithmetic"
            )
        self._add(node, "pass", "remove statement")
        self.generic_visit(node)

    def _remove(self, node: ast.stmt) -> None:
        self._add(node, "pass", "remove statement")
        self.generic_visit(node)

    visit_Raise = _remove
    visit_Delete = _remove
    visit_Break = _remove
    visit_Continue = _remove


def _sql_mutations(value: str) -> Iterator[tuple[str, str]]:
    """A filter widened to match every row, or a NULL test flipped, one at a time."""
    for match in _SQL_FILTER.finditer(value):
        widened = f"{match[1]}{match[2]}({match[3]} OR 1)"
        yield value[: match.start()] + widened + value[match.end() :], "sql filter"
    for match in _SQL_NULL.finditer(value):
        flipped = "IS NULL" if match[1] else "IS NOT NULL"
        yield value[: match.start()] + flipped + value[match.end() :], "sql null"


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _is_log_call(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in _LOGGERS
    )


def find_mutants(module: str, source: bytes) -> list[Mutant]:
    """Every mutant of `module` that compiles and differs from the original."""
    tree = ast.parse(source, filename=module)
    original_dump = ast.dump(tree)
    line_starts = [0]
    lines = source.splitlines(keepends=True)
    for line in lines:
        line_starts.append(line_starts[-1] + len(line))
    finder = _Finder()
    finder.visit(tree)
    mutants: list[Mutant] = []
    seen: set[bytes] = set()
    occurrences: dict[str, int] = {}
    for node, replacement, operator, scope in finder.found:
        start = line_starts[node.lineno - 1] + node.col_offset  # type: ignore[attr-defined]
        end = line_starts[node.end_lineno - 1] + node.end_col_offset  # type: ignore[attr-defined]
        candidate = Mutant(
            module=module,
            index=len(mutants) + 1,
            line=node.lineno,  # type: ignore[attr-defined]
            operator=operator,
            scope=scope,
            original=source[start:end].decode(),
            replacement=replacement,
            start=start,
            end=end,
            context=_squash(lines[node.lineno - 1].decode()),  # type: ignore[attr-defined]
        )
        mutated = candidate.apply(source)
        try:
            mutated_dump = ast.dump(ast.parse(mutated))
        except SyntaxError:
            continue
        if mutated_dump == original_dump or mutated in seen:
            continue
        seen.add(mutated)
        occurrences[candidate.key] = occurrences.get(candidate.key, 0) + 1
        mutants.append(replace(candidate, occurrence=occurrences[candidate.key]))
    return mutants


# Running


@dataclass
class Outcome:
    mutant: Mutant
    status: str  # killed, survived, timeout, equivalent, error
    seconds: float
    reason: str = ""


class WorkTree:
    """A private copy of the repository to mutate; the working tree is never written."""

    def __init__(self, parent: Path) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="tree-", dir=parent))
        self.root.chmod(0o755)  # the sandbox's child runs as another user
        shutil.copytree(
            ROOT,
            self.root,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns(
                ".venv", ".git", "__pycache__", "*.egg-info", ".*_cache", "*.sqlite3"
            ),
        )

    def write(self, module: str, content: bytes) -> None:
        path = self.root / module
        path.write_bytes(content)
        # The zygote runs `python -I`, which writes bytecode: never let a stale .pyc stand
        # in for the file (same size and same second would fool the mtime check).
        for cached in (path.parent / "__pycache__").glob(f"{path.stem}.*.pyc"):
            cached.unlink()

    def run_tests(self, tests: Sequence[str], timeout: float) -> tuple[str, float, str]:
        """("passed" | "failed" | "timeout" | "error", seconds, last lines of output)."""
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(self.root)}
        command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
        started = time.monotonic()
        process = subprocess.Popen(
            [*command, "-o", "addopts=", *tests],
            cwd=self.root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # one group to kill, zygote included
        )
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            return "timeout", time.monotonic() - started, ""
        finally:
            _kill_group(process)  # nothing a test started may outlive it
        seconds = time.monotonic() - started
        tail = "\n".join(output.decode(errors="replace").strip().splitlines()[-3:])
        # pytest: 0 all passed, 1 some failed, 2 collection/import errors, 3 internal error.
        if process.returncode == 0:
            return "passed", seconds, tail
        if process.returncode in (1, 2, 3):
            return "failed", seconds, tail
        return "error", seconds, tail


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def run_module(
    module: str,
    mutants: list[Mutant],
    tests: Sequence[str],
    trees: list[WorkTree],
    args: argparse.Namespace,
    report: Callable[[Outcome, int, int], None],
) -> tuple[list[Outcome], float]:
    source = (ROOT / module).read_bytes()
    baseline_status, baseline, tail = trees[0].run_tests(tests, timeout=args.max_timeout)
    if baseline_status != "passed":
        raise SystemExit(f"{module}: the tests fail without any mutant:\n{tail}")
    timeout = max(args.min_timeout, args.timeout_factor * baseline)
    equivalent = EQUIVALENT.get(module, {})
    free = list(trees)
    outcomes: list[Outcome] = []

    def one(mutant: Mutant) -> Outcome:
        if mutant.key in equivalent:
            return Outcome(mutant, "equivalent", 0.0, equivalent[mutant.key])
        tree = free.pop()
        try:
            tree.write(module, mutant.apply(source))
            status, seconds, output = tree.run_tests(tests, timeout)
        finally:
            tree.write(module, source)
            free.append(tree)
        verdict = {"passed": "survived", "failed": "killed"}.get(status, status)
        return Outcome(mutant, verdict, seconds, output if verdict == "error" else "")

    with ThreadPoolExecutor(max_workers=len(trees)) as executor:
        for outcome in executor.map(one, mutants):
            outcomes.append(outcome)
            report(outcome, len(outcomes), len(mutants))
    return outcomes, baseline


def score(outcomes: Sequence[Outcome]) -> tuple[int, int, int, int, int, float]:
    counts = {s: sum(o.status == s for o in outcomes) for s in ("killed", "survived", "timeout")}
    equivalent = sum(o.status == "equivalent" for o in outcomes)
    errors = sum(o.status == "error" for o in outcomes)
    scored = len(outcomes) - equivalent
    killed = counts["killed"] + counts["timeout"]
    percent = 100.0 * killed / scored if scored else 100.0
    return counts["killed"], counts["survived"], counts["timeout"], equivalent, errors, percent


def _parse_only(text: str) -> set[int]:
    chosen: set[int] = set()
    for part in text.split(","):
        low, _, high = part.partition("-")
        chosen.update(range(int(low), int(high or low) + 1))
    return chosen


def _describe(mutant: Mutant) -> str:
    original, replacement = _squash(mutant.original), _squash(mutant.replacement)
    if len(original) > 70:
        original = original[:67] + "..."
    if len(replacement) > 70:
        replacement = replacement[:67] + "..."
    where = f"{mutant.module}:{mutant.line} #{mutant.index} [{mutant.operator}]"
    return f"{where} `{original}` -> `{replacement}`"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help=f"default: {', '.join(TARGETS)}")
    parser.add_argument("--tests", nargs="+", help="test files to run (default: TARGETS)")
    parser.add_argument("--only", type=_parse_only, help="mutant numbers, e.g. 3,7-9")
    parser.add_argument(
        "--operators", type=lambda t: set(t.split(",")), help='e.g. "sql filter,sql null"'
    )
    parser.add_argument("--list", action="store_true", help="print the mutants, run nothing")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once")
    parser.add_argument("--timeout-factor", type=float, default=4.0, help="x the clean run")
    parser.add_argument("--min-timeout", type=float, default=20.0, help="seconds")
    parser.add_argument("--max-timeout", type=float, default=900.0, help="clean run, seconds")
    parser.add_argument("--json", type=Path, help="write every outcome to this file")
    parser.add_argument("--nice", type=int, default=15, help="lowest priority to run at")
    args = parser.parse_args(argv)

    modules = args.modules or list(TARGETS)
    for module in modules:
        if not (ROOT / module).is_file():
            parser.error(f"no such module: {module}")
        if module not in TARGETS and not args.tests:
            parser.error(f"{module} has no tests in TARGETS: give --tests")
    plan = {}
    for module in modules:
        mutants = find_mutants(module, (ROOT / module).read_bytes())
        plan[module] = [
            m
            for m in mutants
            if (args.only is None or m.index in args.only)
            and (args.operators is None or m.operator in args.operators)
        ]
    if args.list:
        for mutants in plan.values():
            for mutant in mutants:
                print(f"{_describe(mutant)}\n    key: {mutant.key}")
        return 0

    os.nice(max(0, args.nice - os.nice(0)))
    # A plain `kill` unwinds like Ctrl-C: the running tests are stopped, the copies removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    results: dict[str, tuple[list[Outcome], float]] = {}
    with tempfile.TemporaryDirectory(prefix="mutation-") as scratch:
        Path(scratch).chmod(0o755)
        trees = [WorkTree(Path(scratch)) for _ in range(max(1, args.jobs))]

        def report(outcome: Outcome, done: int, total: int) -> None:
            print(
                f"[{done}/{total}] {outcome.status:<10} {outcome.seconds:5.1f}s "
                f"{_describe(outcome.mutant)}",
                file=sys.stderr,
                flush=True,
            )

        for module, mutants in plan.items():
            tests = args.tests or TARGETS[module]
            results[module] = run_module(module, mutants, tests, trees, args, report)
    elapsed = time.monotonic() - started

    print(
        f"\n{'module':<26} {'mutants':>7} {'killed':>6} {'surv.':>5} {'t/o':>4} "
        f"{'equiv':>5} {'err':>3} {'score':>6} {'clean':>6}"
    )
    for module, (outcomes, baseline) in results.items():
        killed, survived, timeouts, equivalent, errors, percent = score(outcomes)
        print(
            f"{module:<26} {len(outcomes):>7} {killed:>6} {survived:>5} {timeouts:>4} "
            f"{equivalent:>5} {errors:>3} {percent:>5.1f}% {baseline:>5.1f}s"
        )
    print(f"\n{elapsed / 60:.1f} min in all, {args.jobs} job(s)")
    for module, (outcomes, _) in results.items():
        lasting = [o for o in outcomes if o.status in ("survived", "error")]
        if lasting:
            print(f"\nSurvivors in {module}:")
            for outcome in lasting:
                print(f"  {outcome.status}: {_describe(outcome.mutant)}")
                print(f"      key: {outcome.mutant.key}")
                if outcome.reason:
                    print(f"      {outcome.reason}")
    if args.json:
        rows = [
            {**asdict(o.mutant), "key": o.mutant.key, "status": o.status, "seconds": o.seconds}
            for outcomes, _ in results.values()
            for o in outcomes
        ]
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
