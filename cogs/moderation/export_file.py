"""The progress export as a file Discord will accept.

A server's upload limit (10 MiB without boosts) is reached by a CSV of some twenty thousand
learners; CSV compresses about tenfold, so a file over the limit is sent gzipped instead.
"""

from __future__ import annotations

import gzip
import io

import discord


class ExportTooLarge(Exception):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"export of {size} bytes exceeds the upload limit of {limit}")


def export_file(csv_text: str, name: str, limit: int) -> discord.File:
    """`name` ends in .csv; the file is `name` or `name.gz`. ExportTooLarge if neither fits."""
    data = csv_text.encode()
    if len(data) > limit:
        data, name = gzip.compress(data, mtime=0), name + ".gz"
        if len(data) > limit:
            raise ExportTooLarge(len(data), limit)
    return discord.File(io.BytesIO(data), filename=name)
