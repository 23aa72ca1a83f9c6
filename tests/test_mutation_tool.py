"""The mutation tool's mutator: which changes it makes, that each one compiles and differs
from the original, and that the copy it tests in is not the working tree."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutation", ROOT / "benchmarks" / "mutation.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutation"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


SOURCE = '''"""Docstring: never mutated."""
import logging

log = logging.getLogger(__name__)
BLOCKED = {"view", "dump"}


def f(x: int, items: list[int]) -> int | None:
    """Also a docstring."""
    log.info("not mutated %d", x + 1)
    if x < 2 and x in items:
        items.append(x)
        x += 1
    label = f"{x + 1} values"
    sql = "SELECT id FROM learners WHERE scope = ? AND lesson IS NULL"
    return x * 2 if not items else None
'''


def changes(tool: ModuleType, source: str = SOURCE) -> list[tuple[str, str, str]]:
    return [
        (m.operator, m.original, m.replacement) for m in tool.find_mutants("m.py", source.encode())
    ]


def test_the_mutants_of_a_small_module(tool: ModuleType) -> None:
    found = changes(tool)
    expected = {
        ("remove element", '{"view", "dump"}', "({'dump'})"),
        ("remove element", '{"view", "dump"}', "({'view'})"),
        ("negate condition", "x < 2 and x in items", "(not (x < 2 and x in items))"),
        ("and/or", "x < 2 and x in items", "(x < 2 or x in items)"),
        ("comparison", "x < 2", "(x <= 2)"),
        ("constant", "2", "(3)"),
        ("comparison", "x in items", "(x not in items)"),
        ("remove statement", "items.append(x)", "pass"),
        ("arithmetic", "x += 1", "x -= 1"),
        ("remove statement", "x += 1", "pass"),
        ("return None", "return x * 2 if not items else None", "return None"),
        ("remove unary", "not items", "(items)"),
        ("arithmetic", "x * 2", "(x / 2)"),
    }
    assert expected <= set(found)
    sql = [(op, new) for op, _, new in found if op.startswith("sql")]
    assert sql == [
        ("sql filter", "('SELECT id FROM learners WHERE (scope = ? OR 1) AND lesson IS NULL')"),
        ("sql null", "('SELECT id FROM learners WHERE scope = ? AND lesson IS NOT NULL')"),
    ]
    # Docstrings, annotations, log calls and f-string expressions are left alone.
    originals = {original for _, original, _ in found}
    assert not any("docstring" in o.lower() or "not mutated" in o for o in originals)
    assert not any(o in ("int", "list[int]", "int | None") for o in originals)
    assert not any("values" in o for o in originals)


def test_every_mutant_compiles_and_differs(tool: ModuleType) -> None:
    for path in ("bot/core/unlocking.py", "bot/store/attempts.py"):
        source = (ROOT / path).read_bytes()
        mutants = tool.find_mutants(path, source)
        assert mutants
        original = ast.dump(ast.parse(source))
        variants = [m.apply(source) for m in mutants]
        assert len(set(variants)) == len(variants)
        for variant in variants:
            assert ast.dump(ast.parse(variant)) != original
        assert len({m.key for m in mutants}) == len(mutants)  # keys name one mutant each


def test_short_changes_are_keyed_by_their_line(tool: ModuleType) -> None:
    (one, two) = [
        m
        for m in tool.find_mutants("m.py", b"def g(a):\n    return a[1] + a[1]\n")
        if m.operator == "constant"
    ]
    assert one.key == "g: 1 -> (2) in `return a[1] + a[1]`"
    assert two.key == "g: 1 -> (2) in `return a[1] + a[1]` (2)"


def test_mutants_are_tested_in_a_copy_never_in_the_working_tree(
    tool: ModuleType, tmp_path: Path
) -> None:
    tree = tool.WorkTree(tmp_path)
    module = "bot/core/unlocking.py"
    before = (ROOT / module).read_bytes()
    tree.write(module, b"BROKEN = True\n")
    assert (tree.root / module).read_bytes() == b"BROKEN = True\n"
    assert (ROOT / module).read_bytes() == before
    assert (tree.root / "sandbox" / "zygote_client.py").is_file()
    assert not (tree.root / ".git").exists() and not (tree.root / ".venv").exists()


def test_every_target_and_equivalent_names_a_real_module_and_mutant(tool: ModuleType) -> None:
    for module, tests in tool.TARGETS.items():
        assert (ROOT / module).is_file()
        for test in tests:
            assert test.startswith("--") or (ROOT / test.split("::")[0]).is_file()
    for module, equivalent in tool.EQUIVALENT.items():
        keys = {m.key for m in tool.find_mutants(module, (ROOT / module).read_bytes())}
        assert set(equivalent) <= keys, f"stale EQUIVALENT entries for {module}"


def test_a_failing_test_kills_and_a_hanging_one_is_stopped_at_the_timeout(
    tool: ModuleType, tmp_path: Path
) -> None:
    tree = tool.WorkTree(tmp_path)
    probe = tree.root / "tests" / "test_probe.py"
    probe.write_text(
        "import time\n\n"
        "def test_fails():\n    assert 1 == 2\n\n"
        "def test_hangs():\n    time.sleep(600)\n"
    )
    status, _, output = tree.run_tests(["tests/test_probe.py::test_fails"], timeout=120)
    assert status == "failed" and "1 failed" in output
    status, seconds, _ = tree.run_tests(["tests/test_probe.py::test_hangs"], timeout=3)
    assert status == "timeout" and seconds < 60
