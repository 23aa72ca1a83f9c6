"""A short soak of the real bot process, with both chaos cases (the full one:
`python benchmarks/soak.py`, see the README)."""

from __future__ import annotations

from pathlib import Path

from tests.soak_driver import SoakConfig, run_soak

# /lesson list every 0.2 s: grading at one sandbox run per verdict ends the short run in
# seconds, and at least 10 calls must have been answered.
SHORT = SoakConfig(learners=6, submissions=60, list_every_s=0.2)


async def test_short_soak_keeps_every_invariant(tmp_path: Path) -> None:
    report = await run_soak(SHORT, tmp_path)
    print(report.summary())  # shown with -s, and on failure
    assert report.problems == [], report.summary()
    assert report.submissions >= SHORT.submissions
    # Answered, every one (the p99 < 1 s bar is the full soak's: timings are not asserted here).
    assert len(report.list_latencies_s) >= 10
    assert report.rss_end_mb - report.rss_start_mb < 50
    assert report.zygote_kill["in_flight_statuses"] == ["crashed", "crashed"]
    assert report.zygote_kill["next_run_passed"]
    assert report.zygote_restarts >= 1
    assert report.bot_kill["integrity_check_after_kill"] == "ok"
    assert report.bot_kill["torn_rows"] == []
    assert report.bot_kill["restarted_bot_passed_a_submission"]
