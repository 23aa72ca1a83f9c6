from __future__ import annotations

import pytest

from bot.code_extraction import extract_code

FENCE = "```"


def test_python_fence_in_a_chat_message_is_found() -> None:
    text = f"here is my try\n{FENCE}python\nx = 1\nprint(x)\n{FENCE}\nthanks!"
    result = extract_code(text, require_fence=True)
    assert result.code == "x = 1\nprint(x)\n"
    assert result.fenced


def test_untagged_and_py_fences_count_as_python() -> None:
    assert extract_code(f"{FENCE}\ny = 2\n{FENCE}").code == "y = 2\n"
    assert extract_code(f"{FENCE}py\ny = 2\n{FENCE}").code == "y = 2\n"


def test_untagged_blocks_beside_tagged_ones_are_not_code() -> None:
    traceback = "Traceback (most recent call last):\n"
    text = f"{FENCE}python\nx = 1\n{FENCE}\nI got:\n{FENCE}\n{traceback}{FENCE}"
    assert extract_code(text, require_fence=True).code == "x = 1\n"


def test_an_untagged_block_that_is_not_python_is_pointed_out() -> None:
    text = f"help?\n{FENCE}\nTraceback (most recent call last):\n  boom\n{FENCE}"
    result = extract_code(text, require_fence=True)
    assert result.code is None
    assert result.problem is not None and "doesn't read as Python (line 1" in result.problem


def test_python_blocks_are_joined_and_other_languages_skipped() -> None:
    text = (
        f"{FENCE}js\nlet a\n{FENCE}\n{FENCE}python\nb = 1\n{FENCE}\n{FENCE}python\nc = 1\n{FENCE}"
    )
    assert extract_code(text).code == "b = 1\n\nc = 1\n"


def test_chat_without_a_fence_is_not_a_submission() -> None:
    result = extract_code("how do I compute the gradient?", require_fence=True)
    assert result.code is None and result.problem is None


def test_unclosed_fence_explains_how_to_format() -> None:
    result = extract_code(f"{FENCE}python\nx = 1\n", require_fence=True)
    assert result.code is None
    assert result.problem is not None and "never closed" in result.problem


def test_non_python_block_is_pointed_out() -> None:
    result = extract_code(f"{FENCE}js\nlet a = 1\n{FENCE}", require_fence=True)
    assert result.code is None
    assert result.problem is not None and "Python" in result.problem


def test_one_line_fence_is_accepted() -> None:
    assert extract_code("```python print(1)```", require_fence=True).code == "print(1)\n"


def test_plain_file_is_code_when_fences_are_optional() -> None:
    assert extract_code("x = 1\n").code == "x = 1\n"
    assert extract_code("x = 1\r\ny = 2\r\n").code == "x = 1\ny = 2\n"


def test_empty_text_has_no_code() -> None:
    result = extract_code("  \n")
    assert result.code is None and result.problem


def test_python3_fence_with_trailing_spaces_is_python() -> None:
    assert extract_code(f"{FENCE}python3   \nz = 3\n{FENCE}").code == "z = 3\n"


def test_unfenced_text_counts_only_if_it_parses_as_python() -> None:
    assert extract_code("w = w - lr * grad\n").code == "w = w - lr * grad\n"
    prose = extract_code("I think the gradient points uphill, right?")
    assert prose.code is None
    assert prose.problem is not None and "```python" in prose.problem


def test_unfenced_code_with_a_typo_names_the_line() -> None:
    result = extract_code("x = 1\ndef f(:\n    pass\n")
    assert result.code is None
    assert result.problem is not None
    assert "line 2" in result.problem and "def f(:" in result.problem


def test_unfenced_code_too_nested_to_parse_is_left_to_the_sandbox() -> None:
    deep = "x = " + "-" * 30_000 + "1\n"
    assert extract_code(deep).code == deep


def test_a_file_without_fences_is_code_as_it_is() -> None:
    from bot.code_extraction import extract_from_file

    assert extract_from_file("def f(:\n    pass\n").code == "def f(:\n    pass\n"
    assert extract_from_file(f"note\n{FENCE}python\nx = 1\n{FENCE}\n").code == "x = 1\n"
    assert extract_from_file("\n\n").code is None


@pytest.mark.parametrize("text", ["```python\n```", "```py\n\n  \n```\n", "```\n```"])
@pytest.mark.parametrize("require_fence", [True, False])
def test_an_empty_block_is_no_code_and_says_so(text: str, require_fence: bool) -> None:
    extraction = extract_code(text, require_fence=require_fence)
    assert extraction.code is None
    assert extraction.problem is not None and "That code block is empty" in extraction.problem
