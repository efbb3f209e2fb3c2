"""File analysis for the catalog: schema conformance, GB/T 36344 quality, PII scan and masking."""

from services.catalog.files.analysis import AnalysisOptions, analyze_file
from services.catalog.files.errors import FileRejected, RejectionReason
from services.catalog.files.pii import PiiKind
from services.catalog.files.quality import DimensionScore, QualityDimension, QualityReport
from services.catalog.files.result import (
    ColumnStats,
    FileAnalysis,
    PiiFinding,
    SchemaViolation,
    ViolationKind,
)
from services.catalog.files.schema import ColumnSpec, ColumnType, FileFormat, SchemaError

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
