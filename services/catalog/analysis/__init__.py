"""The file-analysis engine (DuckDB): schema conformance, GB/T 36344 quality, PII scan and
masking of an uploaded CSV or JSON Lines file. It knows nothing of databases, HTTP or the
catalog's tables: it reads a file on disk and returns a ``FileAnalysis``.
"""

from services.catalog.analysis.analyze import analyze_file
from services.catalog.analysis.columns import ColumnSpec, ColumnType, FileFormat, SchemaError
from services.catalog.analysis.options import AnalysisOptions
from services.catalog.analysis.pii import PiiKind
from services.catalog.analysis.quality import DimensionScore, QualityDimension, QualityReport
from services.catalog.analysis.rejection import FileRejected, RejectionReason
from services.catalog.analysis.result import (
    ColumnStats,
    FileAnalysis,
    PiiFinding,
    SchemaViolation,
    ViolationKind,
)

__all__ = [
    "AnalysisOptions",
    "ColumnSpec",
    "ColumnStats",
    "ColumnType",
    "DimensionScore",
    "FileAnalysis",
    "FileFormat",
    "FileRejected",
    "PiiFinding",
    "PiiKind",
    "QualityDimension",
    "QualityReport",
    "RejectionReason",
    "SchemaError",
    "SchemaViolation",
    "ViolationKind",
    "analyze_file",
]
