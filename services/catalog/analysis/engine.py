"""The DuckDB connection an analysis runs on, and every limit on its memory and threads.

One in-memory database per analysis: its memory limit bounds the one unbounded piece of
state (the distinct-row hash set), which spills to a private temporary directory past
it; the CSV reader's buffers set most of the rest.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb

MIB = 1 << 20
# The smallest memory limit an analysis accepts: below it DuckDB spills even small files.
MIN_MEMORY_LIMIT_MB = 64
# Read buffers: the reader keeps a few per thread in memory, so their size sets most of
# the analysis's memory; 8 MiB reads as fast as the 16 MiB default.
BUFFER_BYTES = 8 * MIB
HEAD_BUFFER_BYTES = 2 * MIB


def read_buffer_bytes(max_line_bytes: int, *, head: bool = False) -> int:
    """The CSV reader's buffer size: room for two of the longest lines accepted, and no
    less than the full-pass (or, for ``head``, the early-stopping pass) default."""
    return max(HEAD_BUFFER_BYTES if head else BUFFER_BYTES, 2 * max_line_bytes)


def json_object_bytes(max_line_bytes: int) -> int:
    """The JSON reader's largest object: a little over the longest line accepted (at
    least 1 MiB), so that an over-long line is measured by the analysis, not refused by
    the reader."""
    return max(max_line_bytes, MIB) + 1024


@contextmanager
def connect(
    *, memory_limit_mb: int, threads: int | None, temp_directory: Path | None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB connection held to ``memory_limit_mb`` and ``threads`` (all
    cores when None), spilling into a temporary directory under ``temp_directory`` that
    is removed on exit."""
    with tempfile.TemporaryDirectory(prefix="dataex-analysis-", dir=temp_directory) as spill:
        config: dict[str, str | bool | int | float | list[str]] = {
            "memory_limit": f"{memory_limit_mb}MB",
            "temp_directory": spill,
            "preserve_insertion_order": True,
            "autoinstall_known_extensions": False,
        }
        if threads:
            config["threads"] = threads
        con = duckdb.connect(":memory:", config=config)
        try:
            con.execute("SET TimeZone = 'UTC'")
            con.execute("SET enable_progress_bar = false")
            # The optimizer would turn the main pass's one DISTINCT aggregate (row hashes)
            # into a materialised copy of the whole projection; unrewritten, it is a hash
            # set beside the other aggregates in the same streaming pass. (An engine without
            # this rule only loses speed.)
            with suppress(duckdb.Error):
                con.execute("SET disabled_optimizers = 'distinct_aggregate_rewrite'")
            yield con
        finally:
            con.close()
