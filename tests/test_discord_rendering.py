"""Embeds stay within Discord's limits, and learner text cannot break out of a code block."""

from __future__ import annotations

from dataclasses import replace

import discord

from bot.discord_app.rendering import limits
from bot.discord_app.rendering.split import pack_embeds, split_markdown
from bot.discord_app.rendering.text import code_block, defuse_fences, numbered_output
from cogs.lessons.rendering import lesson_messages
from cogs.submissions.verdict_rendering import verdict_embed
from lessons import CheckResult, Verdict, load_course
from sandbox import ErrorInfo


def test_split_keeps_paragraphs_whole_and_fits_the_limit() -> None:
    paragraphs = [f"Paragraph {i}. " + ("word " * 60).strip() for i in range(40)]
    pieces = split_markdown("\n\n".join(paragraphs), 1_000)
    assert all(len(p) <= 1_000 for p in pieces)
    assert "\n\n".join(pieces).split("\n\n") == paragraphs


def test_a_code_block_too_long_for_one_piece_is_refenced_in_each() -> None:
    code = "\n".join(f"x{i} = {i}" for i in range(600))
    pieces = split_markdown(f"Intro.\n\n```python\n{code}\n```\n\nOutro.", 1_000)
    fenced = [p for p in pieces if "x1 = 1" in p or "x599" in p or "x300 =" in p]
    assert len(pieces) > 3 and all(len(p) <= 1_000 for p in pieces)
    for piece in fenced:
        body = piece.split("\n\n")[-1] if piece.startswith("Intro") else piece.split("\n\n")[0]
        assert body.startswith("```python\n") and body.endswith("\n```")


def test_blank_lines_inside_a_fence_do_not_split_it() -> None:
    text = "```python\na = 1\n\nb = 2\n```"
    assert split_markdown(text, 1_000) == [text]


def test_embeds_are_packed_under_ten_per_message_and_six_thousand_characters() -> None:
    embeds = [discord.Embed(description="y" * 1_500) for _ in range(13)]
    messages = pack_embeds(embeds)
    assert sum(len(m) for m in messages) == 13
    for message in messages:
        assert len(message) <= limits.EMBEDS_PER_MESSAGE
        assert sum(len(e) for e in message) <= limits.EMBED_TOTAL_PER_MESSAGE


def test_an_open_solution_is_pointed_out_until_the_lesson_is_passed() -> None:
    lesson = load_course().lessons[0]

    def footer(**flags: bool) -> str:
        return lesson_messages(lesson, course_length=7, **flags)[-1][-1].footer.text or ""

    assert "/lesson solution" in footer(solution_open=True)
    assert "/lesson solution" not in footer()
    assert "/lesson solution" not in footer(solution_open=True, completed=True)


def test_a_very_long_lesson_is_split_within_every_limit() -> None:
    lesson = load_course().lessons[0]
    long_lesson = replace(lesson, explanation=(lesson.explanation + "\n\n") * 40)
    messages = lesson_messages(long_lesson)
    assert len(messages) > 1
    for embeds in messages:
        assert len(embeds) <= limits.EMBEDS_PER_MESSAGE
        assert sum(len(e) for e in embeds) <= limits.EMBED_TOTAL_PER_MESSAGE
        assert all(len(e.description or "") <= limits.EMBED_DESCRIPTION for e in embeds)
    assert messages[-1][-1].title == "Starter code"


def test_fences_in_learner_output_cannot_close_the_block() -> None:
    block = code_block("print('```')\n```\n@everyone", 200)
    assert block.count("```") == 2 and block.startswith("```python\n")
    assert "```" not in defuse_fences("a ``` b")


def test_a_masked_link_in_learner_text_is_not_posted_as_a_link() -> None:
    lesson = load_course().lessons[0]
    bait = "[free nitro](https://evil.example)"
    verdict = Verdict(
        lesson_id=lesson.id,
        status="error",
        message=f"Your code raised ValueError on line 1: {bait}",
        checks=[CheckResult("total", None, f"can't check: {bait}")],
        error=ErrorInfo("ValueError", bait, line=1, source_line=f'raise ValueError("{bait}")'),
    )
    embed = verdict_embed(verdict, lesson).to_dict()
    outside_code = [embed["description"], *(f["value"].split("```")[0] for f in embed["fields"])]
    assert all("](" not in text for text in outside_code)
    assert all("https://evil.example" in text for text in outside_code)  # visible, not hidden


def test_output_is_numbered_and_truncated_with_a_count() -> None:
    shown = numbered_output("\n".join(f"line {i}" for i in range(1, 51)), 1_024, max_lines=20)
    assert " 1 | line 1" in shown and "20 | line 20" in shown
    assert "line 21" not in shown and "30 more lines" in shown
    assert len(shown) <= 1_024


def test_verdict_shows_checks_losses_output_and_error_within_limits() -> None:
    lesson = load_course().lessons[0]
    verdict = Verdict(
        lesson_id=lesson.id,
        status="failed",
        message="Close, but not yet.",
        checks=[
            CheckResult("mse-value", False, "returned 4.0, expected 1.333 " * 40),
            CheckResult("loss-down", None, "can't check until `mse` works"),
        ]
        * 20,
        metrics={"loss_before": 2.0, "loss_after": 1.5},
        stdout="x" * 10_000,
        error=ErrorInfo("ValueError", "bad shape", line=3, source_line="w = w + lr * grad"),
    )
    embed = verdict_embed(verdict, lesson)
    assert len(embed) <= limits.EMBED_TOTAL_PER_MESSAGE
    assert embed.description is not None and embed.description.startswith("Close")
    assert "❌ **mse-value**" in embed.description and "⚪ **loss-down**" in embed.description
    fields = {f.name: f.value or "" for f in embed.fields}
    assert "-0.5" in fields["Loss"] and "-25.0%" in fields["Loss"] and "down" in fields["Loss"]
    assert fields["Error"].startswith("Line 3: **ValueError**")
    assert all(len(value or "") <= limits.EMBED_FIELD_VALUE for value in fields.values())


def test_checks_that_could_not_run_for_one_reason_are_one_line() -> None:
    lesson = load_course().lessons[0]
    reason = "can't check until your code runs without an error"
    verdict = Verdict(
        lesson.id,
        "error",
        "Your code raised NameError on line 3.",
        checks=[CheckResult(name, None, reason) for name in ("total", "product", "dot")],
        error=ErrorInfo("NameError", "name 'c' is not defined", line=3),
    )
    description = verdict_embed(verdict, lesson).description or ""
    assert description.count(reason) == 1
    assert f"⚪ **total**, **product**, **dot** — {reason}" in description
