"""Open types and grades (数据分类分级), the two classifications every dataset carries.

Open types follow the public-data opening rules (无条件开放 / 有条件开放 / 不予开放),
grades GB/T 43697 (一般 / 重要 / 核心). The catalog records them on a dataset and the
exchange's market rules decide on them, so both import this one definition.
"""

from __future__ import annotations

from enum import StrEnum


class OpenType(StrEnum):
    """Who may get a public dataset's data (公共数据开放属性)."""

    UNCONDITIONAL = "unconditional"
    CONDITIONAL = "conditional"
    NOT_OPEN = "not_open"


class Grade(StrEnum):
    """The data-security grade (GB/T 43697): core data is never listed nor traded."""

    GENERAL = "general"
    IMPORTANT = "important"
    CORE = "core"
