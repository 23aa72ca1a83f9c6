"""The lesson texts teach without handing over the solution (issue 11)."""

from __future__ import annotations

import pytest

from lessons import load_course

# Lines the explanation may show: lesson 6 works one gradient through in full.
_WORKED_EXAMPLE = {"backpropagation": {"d_predictions=2*(predictions-y)/len(y)"}}


@pytest.mark.parametrize("lesson_id", ["how-models-learn", "backpropagation"])
def test_the_texts_do_not_hand_over_the_solution(lesson_id: str) -> None:
    lesson = load_course().get(lesson_id)

    def squeeze(text: str) -> str:
        return "".join(text.split())

    given = {squeeze(line) for line in lesson.starter_code.splitlines()}
    texts = squeeze(lesson.explanation + lesson.task)
    to_write = [
        line.strip()
        for line in lesson.solution.splitlines()
        if "=" in line and squeeze(line) not in given and not line.startswith("import")
    ]
    assert len(to_write) >= 4
    allowed = _WORKED_EXAMPLE.get(lesson_id, set())
    copied = [line for line in to_write if squeeze(line) in texts and squeeze(line) not in allowed]
    assert copied == []
    # ...while the tiered hints still lead to every gradient.
    hints = squeeze("".join(lesson.hints))
    gradients = [line for line in to_write if line.split("=")[0].strip()[0] in "dg"]
    assert gradients
    assert [line for line in gradients if squeeze(line) not in hints] == []
