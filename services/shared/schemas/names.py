"""Names people read (organisations, API keys, dataset titles, publishers): refused when
they carry characters that change how text around them is shown or logged.

Control characters (NUL, escape, line breaks inside a name), Unicode format characters
(the bidirectional overrides and isolates that make "txt.exe" read as "exe.txt",
zero-width characters) and line or paragraph separators never belong in a name.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator

_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def refuse_unsafe_characters(value: str) -> str:
    """``value`` unchanged, or a ValueError naming the first control, format (bidi,
    zero-width) or separator character and its position."""
    for position, char in enumerate(value):
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            raise ValueError(
                f"must not contain control, bidirectional or invisible formatting "
                f"characters: found U+{ord(char):04X} at position {position}")
    return value


SafeName = Annotated[str, AfterValidator(refuse_unsafe_characters)]
"""A ``str`` field type for names; add length bounds with ``Field`` as usual."""
