"""The one exception a malformed upload raises: a reason code and a message a user can act on."""

from __future__ import annotations

from enum import StrEnum


class RejectionReason(StrEnum):
    """Why a file was refused before any analysis result could be produced."""

    UNSUPPORTED_FORMAT = "unsupported_format"
    EMPTY_FILE = "empty_file"
    NO_DATA_ROWS = "no_data_rows"
    NOT_UTF8 = "not_utf8"
    LINE_TOO_LONG = "line_too_long"
    MISSING_HEADER = "missing_header"
    EMPTY_HEADER_NAME = "empty_header_name"
    DUPLICATE_HEADER_NAME = "duplicate_header_name"
    TOO_MANY_COLUMNS = "too_many_columns"
    RAGGED_ROW = "ragged_row"
    MALFORMED_CSV = "malformed_csv"
    INVALID_JSON = "invalid_json"
    NOT_AN_OBJECT = "not_an_object"
    MISSING_REQUIRED_COLUMN = "missing_required_column"


class FileRejected(Exception):
    """The uploaded file cannot be analysed; ``detail`` says what is wrong and where."""

    def __init__(
        self,
        reason: RejectionReason,
        detail: str,
        *,
        line: int | None = None,
        byte_offset: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.line = line
        self.byte_offset = byte_offset
        self.column = column

    def __repr__(self) -> str:
        return f"FileRejected({self.reason.value!r}, {self.detail!r})"

    def to_dict(self) -> dict[str, str | int | None]:
        """The rejection as JSON-ready fields, for a problem+json body."""
        return {
            "reason": self.reason.value,
            "detail": self.detail,
            "line": self.line,
            "byte_offset": self.byte_offset,
            "column": self.column,
        }
