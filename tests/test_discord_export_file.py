"""The export attachment: plain CSV when it fits the upload limit, gzipped when not."""

from __future__ import annotations

import gzip

import pytest

from cogs.moderation.export_file import ExportTooLarge, export_file

CSV = "user_id,lesson_id,status\n" + "".join(f"{i},numpy-basics,passed\n" for i in range(5_000))


def read(file: object) -> bytes:
    return file.fp.read()  # type: ignore[attr-defined]


def test_a_small_export_is_plain_csv() -> None:
    file = export_file(CSV, "progress.csv", limit=len(CSV))
    assert file.filename == "progress.csv"
    assert read(file).decode() == CSV


def test_an_export_over_the_limit_is_gzipped() -> None:
    file = export_file(CSV, "progress.csv", limit=len(CSV) - 1)
    assert file.filename == "progress.csv.gz"
    assert gzip.decompress(read(file)).decode() == CSV


def test_an_export_too_big_even_compressed_is_refused() -> None:
    with pytest.raises(ExportTooLarge):
        export_file(CSV, "progress.csv", limit=100)
