"""The limits and policies of one analysis; the defaults suit the catalog's uploads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from services.catalog.analysis.engine import MIB, MIN_MEMORY_LIMIT_MB
from services.catalog.analysis.quality import DEFAULT_WEIGHTS, QualityDimension


@dataclass(frozen=True, slots=True)
class AnalysisOptions:
    """Limits and policies of an analysis; the defaults suit the catalog's uploads."""

    sample_rows: int = 20
    max_line_bytes: int = MIB
    max_columns: int = 1000
    example_rows: int = 5
    pii_column_threshold: float = 0.5
    exact_max_rows: int = 100_000
    fresh_days: float = 30.0
    stale_days: float = 365.0
    weights: Mapping[QualityDimension, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    reject_missing_required: bool = False
    memory_limit_mb: int = 256
    threads: int | None = None
    temp_directory: Path | None = None

    def __post_init__(self) -> None:
        if self.sample_rows < 0 or self.example_rows < 1 or self.max_line_bytes < 16:
            raise ValueError("sample_rows, example_rows and max_line_bytes are out of range")
        if not 0 < self.pii_column_threshold <= 1:
            raise ValueError("pii_column_threshold must be in (0, 1]")
        if not 0 <= self.fresh_days < self.stale_days:
            raise ValueError("fresh_days must be below stale_days")
        if self.memory_limit_mb < MIN_MEMORY_LIMIT_MB:
            raise ValueError(f"memory_limit_mb must be at least {MIN_MEMORY_LIMIT_MB}")
