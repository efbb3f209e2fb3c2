"""Personal-information detection (PIPL): resident IDs, mobiles, e-mails, bank cards, names.

Each kind has a Python validator (used on the sample rows and in tests) and a SQL form
of the same rule (used vectorised over the whole file). The SQL forms are cheap gates
first (length, a character), then a regular expression, and only then the arithmetic of
the check digit, so the expensive part runs on the few candidates only.

* Resident identity number (GB 11643): 18 characters, six-digit area code, a birth date
  that exists and lies between 1900-01-01 and today, a three-digit sequence and an ISO 7064
  MOD 11-2 check character (``0-9`` or ``X``). A string with a wrong check character is
  not an ID number.
* Mobile number: ``1[3-9]`` followed by nine digits, optionally prefixed with ``+86``.
* E-mail address: ``local@domain.tld``.
* Bank card number: 13 to 19 digits passing the Luhn check (and not a valid ID number).
* Person name: only in a column whose header names a person (``姓名``, ``联系人``,
  ``name``, ``full_name``, ``contact_person``...), for values shaped like a name: two to
  four Han characters, Han names joined by a middle dot, or two to four capitalised
  Latin words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.catalog.analysis.columns import sql_literal
from services.shared.personal import RESIDENT_ID_WEIGHTS, resident_id_check_char


class PiiKind(StrEnum):
    """The kinds of personal information the scan looks for."""

    RESIDENT_ID = "resident_id"
    MOBILE = "mobile"
    EMAIL = "email"
    BANK_CARD = "bank_card"
    PERSON_NAME = "person_name"


WHOLE_VALUE_CODES: dict[PiiKind, int] = {
    PiiKind.RESIDENT_ID: 1,
    PiiKind.MOBILE: 2,
    PiiKind.EMAIL: 3,
    PiiKind.BANK_CARD: 4,
    PiiKind.PERSON_NAME: 5,
}

EARLIEST_BIRTH_DATE = date(1900, 1, 1)

RESIDENT_ID_PATTERN = (
    r"[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]"
)
MOBILE_PATTERN = r"(?:\+?86[- ]?)?1[3-9][0-9]{9}"
EMAIL_PATTERN = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
BANK_CARD_PATTERN = r"[0-9]{13,19}"
HAN = "[㐀-鿿]"
PERSON_NAME_PATTERN = (
    f"{HAN}{{2,4}}|{HAN}{{1,10}}(?:[·•]{HAN}{{1,10}})+|[A-Z][a-z]+(?:[ '-][A-Z][a-z]+){{1,3}}"
)

_RESIDENT_ID_RE = re.compile(RESIDENT_ID_PATTERN)
_MOBILE_RE = re.compile(MOBILE_PATTERN)
_EMAIL_RE = re.compile(EMAIL_PATTERN)
_BANK_CARD_RE = re.compile(BANK_CARD_PATTERN)
_PERSON_NAME_RE = re.compile(PERSON_NAME_PATTERN)

_EMBEDDED_RE: dict[PiiKind, re.Pattern[str]] = {
    PiiKind.RESIDENT_ID: re.compile(f"(?<![0-9]){RESIDENT_ID_PATTERN}(?![0-9])"),
    PiiKind.BANK_CARD: re.compile(f"(?<![0-9]){BANK_CARD_PATTERN}(?![0-9])"),
    PiiKind.MOBILE: re.compile(f"(?<![0-9+]){MOBILE_PATTERN}(?![0-9])"),
    PiiKind.EMAIL: re.compile(f"(?<![A-Za-z0-9._%+-]){EMAIL_PATTERN}"),
}

_NAME_HEADERS = frozenset(
    {
        "name",
        "names",
        "姓名",
        "名字",
        "人名",
        "联系人",
        "负责人",
        "法定代表人",
        "法人",
        "法人代表",
        "申请人",
        "户主",
        "经办人",
        "收件人",
        "持卡人",
        "contact",
        "contact_person",
        "responsible_person",
        "legal_representative",
        "legal_person",
    }
)
_NAME_HEADER_RE = re.compile(
    r"(?:full|real|person|contact|contact_person|customer|client|applicant|patient|owner|"
    r"holder|card_holder|cardholder|first|last|given|family|sur|legal_person|student|"
    r"employee|user_real)_?name"
)


_RESIDENT_ID_HEADER_RE = re.compile(
    r"身份证|公民身份号码|证件号|(?:^|_)(?:id_?card|id_?number|id_?no|resident_id|citizen_id|"
    r"identity_?(?:card|number|no))(?:$|_)"
)
_BANK_CARD_HEADER_RE = re.compile(
    r"银行卡|(?:^|_)(?:bank_?card|card_?number|card_?no)(?:$|_)"
)


@dataclass(frozen=True, slots=True)
class PiiSpan:
    """Where one piece of personal information sits inside a text value."""

    kind: PiiKind
    start: int
    end: int


def is_valid_resident_id(value: str, *, today: date | None = None) -> bool:
    """Whether a value is a mainland resident ID number with a real birth date and check digit."""
    if len(value) != 18 or not _RESIDENT_ID_RE.fullmatch(value):
        return False
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if not EARLIEST_BIRTH_DATE <= birth <= (today or date.today()):
        return False
    return resident_id_check_char(value[:17]) == value[17].upper()


def luhn_valid(digits: str) -> bool:
    """Whether a digit string passes the Luhn (mod 10) check used by bank card numbers."""
    if not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def is_bank_card(value: str, *, today: date | None = None) -> bool:
    """Whether a value is a 13-19 digit Luhn-valid number that is not an ID number."""
    return (
        _BANK_CARD_RE.fullmatch(value) is not None
        and luhn_valid(value)
        and not is_valid_resident_id(value, today=today)
    )


def is_mobile(value: str) -> bool:
    """Whether a value is a mainland mobile number."""
    return _MOBILE_RE.fullmatch(value) is not None


def is_email(value: str) -> bool:
    """Whether a value is an e-mail address."""
    return _EMAIL_RE.fullmatch(value) is not None


def looks_like_person_name(value: str) -> bool:
    """Whether a value is shaped like a person's name (Han or capitalised Latin)."""
    return _PERSON_NAME_RE.fullmatch(value) is not None


def is_person_name_header(header: str) -> bool:
    """Whether a column header says the column holds people's names."""
    normalised = _normalised_header(header)
    return (
        normalised in _NAME_HEADERS
        or _NAME_HEADER_RE.fullmatch(normalised) is not None
        or normalised.endswith("姓名")
    )


def _normalised_header(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def is_resident_id_header(header: str) -> bool:
    """Whether a column header says the column holds resident ID numbers."""
    return _RESIDENT_ID_HEADER_RE.search(_normalised_header(header)) is not None


def is_bank_card_header(header: str) -> bool:
    """Whether a column header says the column holds bank card numbers."""
    return _BANK_CARD_HEADER_RE.search(_normalised_header(header)) is not None


def classify_value(value: str, *, today: date | None = None) -> PiiKind | None:
    """The kind of personal information a whole (trimmed) value is, names excluded."""
    if is_valid_resident_id(value, today=today):
        return PiiKind.RESIDENT_ID
    if is_mobile(value):
        return PiiKind.MOBILE
    if is_email(value):
        return PiiKind.EMAIL
    if is_bank_card(value, today=today):
        return PiiKind.BANK_CARD
    return None


def find_pii_spans(text: str, *, today: date | None = None) -> list[PiiSpan]:
    """Every ID number, bank card, mobile and e-mail inside a text, without overlaps."""
    spans: list[PiiSpan] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s.start or start >= s.end for s in spans)

    for kind, pattern in _EMBEDDED_RE.items():
        for match in pattern.finditer(text):
            found = match.group()
            if kind is PiiKind.RESIDENT_ID and not is_valid_resident_id(found, today=today):
                continue
            if kind is PiiKind.BANK_CARD and not is_bank_card(found, today=today):
                continue
            if free(match.start(), match.end()):
                spans.append(PiiSpan(kind, match.start(), match.end()))
    return sorted(spans, key=lambda s: s.start)


# SQL forms. They run inside one vectorised query over every value, so each costly step
# sits in a ``CASE`` branch: the engine evaluates a branch only on the rows its condition
# selects, whereas ``AND``/``OR`` in a projection evaluate every operand on every row.
# Byte length (``strlen``, constant time) gates the regular expressions: every pattern
# here but the name pattern is ASCII, so a value the pattern matches has as many bytes as
# characters. Check digits are computed on the digits as an unsigned 64-bit integer.


SHAPE_ID = 1
SHAPE_DIGITS = 4


def _birth_date_ok_sql(first17: str, today: date) -> str:
    birth = f"(({first17} // 1000) % 100000000)"
    year, month, day = f"({birth} // 10000)", f"(({birth} // 100) % 100)", f"({birth} % 100)"
    leap = f"CAST(({year} % 4 = 0 AND {year} % 100 <> 0) OR {year} % 400 = 0 AS INTEGER)"
    last_day = (
        f"CASE {month} WHEN 2 THEN 28 + {leap} WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 "
        "WHEN 11 THEN 30 ELSE 31 END"
    )
    earliest = int(EARLIEST_BIRTH_DATE.strftime("%Y%m%d"))
    latest = int(today.strftime("%Y%m%d"))
    return (
        f"CASE WHEN {birth} BETWEEN {earliest} AND {latest} "
        f"THEN {day} <= 28 OR {day} <= {last_day} ELSE false END"
    )


def resident_id_check_sql(first17: str, check_value: str, today: date) -> str:
    """SQL true when an ID number's parts pass the MOD 11-2 check and have a real birth date.

    ``first17`` is the first 17 digits as an unsigned integer, ``check_value`` the value
    of the 18th character (0-9, 10 for ``X``); the text must already match
    ``RESIDENT_ID_PATTERN``. ISO 7064 MOD 11-2: Σ weight × digit + check ≡ 1 (mod 11),
    where the weight of the digit k places from the right of the 17 is 2^(k+1) mod 11, so
    Σ weight × digit ≡ 2 × Σ 2^k × d_k. With t_i = first17 // 10^i and d_k = t_k − 10 t_(k+1),
    Σ 2^k d_k = t_0 − 8 × Σ_(i≥1) 2^(i−1) t_i exactly: sixteen divisions and no digit
    extraction.
    """
    shifted = " + ".join(
        f"{2 ** (i - 1)} * ({first17} // {10**i})" for i in range(1, len(RESIDENT_ID_WEIGHTS))
    )
    binary_weighted = f"({first17} - 8 * ({shifted}))"
    return (
        f"CASE WHEN (2 * {binary_weighted} + {check_value}) % 11 = 1 "
        f"THEN {_birth_date_ok_sql(first17, today)} ELSE false END"
    )


def id_first17_sql(text: str, number: str) -> str:
    """The first 17 digits of an ID-shaped text as a number (``number``: the text as UBIGINT,
    null when it ends with ``X``)."""
    return f"coalesce({number} // 10, CAST(substr({text}, 1, 17) AS UBIGINT))"


def id_check_value_sql(number: str) -> str:
    """The value of an ID-shaped text's check character (``number`` as in id_first17_sql)."""
    return f"coalesce({number} % 10, 10)"


def luhn_sql(number: str) -> str:
    """SQL true when an unsigned integer below 10^19 passes the Luhn check.

    With t_k = number // 10^k, the digit k places from the right is d_k ≡ t_k (mod 10),
    and a doubled digit contributes 2 d_k − 9 [d_k ≥ 5] where [d_k ≥ 5] = t_k // 5 − 2 t_(k+1).
    Modulo 10 the Luhn sum is t_0 + 9 × Σ_(even k≥2) t_k + Σ_(odd k) (2 t_k + t_k // 5).
    """
    terms = [f"{number} % 10"]
    terms += [f"9 * ({number} // {10**k})" for k in range(2, 19, 2)]
    terms += [f"2 * ({number} // {10**k}) + {number} // {10**k * 5}" for k in range(1, 18, 2)]
    return f"(({' + '.join(terms)}) % 10 = 0)"


def resident_id_sql(x: str, *, today: date) -> str:
    """SQL that is true when the text ``x`` is a valid resident ID number."""
    number = f"try_cast({x} AS UBIGINT)"
    check = resident_id_check_sql(id_first17_sql(x, number), id_check_value_sql(number), today)
    return (
        f"CASE WHEN strlen({x}) = 18 AND regexp_full_match({x}, "
        f"{sql_literal(RESIDENT_ID_PATTERN)}) THEN {check} ELSE false END"
    )


def bank_card_sql(x: str, *, today: date) -> str:
    """SQL that is true when the text ``x`` is a Luhn-valid 13-19 digit number, not an ID."""
    return (
        f"CASE WHEN strlen({x}) BETWEEN 13 AND 19 AND "
        f"regexp_full_match({x}, {sql_literal(BANK_CARD_PATTERN)}) "
        f"THEN CASE WHEN {luhn_sql(f'CAST({x} AS UBIGINT)')} THEN NOT "
        f"{resident_id_sql(x, today=today)} ELSE false END ELSE false END"
    )


def shape_sql(v: str, *, name_column: bool) -> str:
    """SQL classifying a value by shape alone: byte-length and first-character gates (string
    comparisons: a text sorting from ``'1'`` up to ``':'`` starts with a digit 1-9), then
    one regular expression.

    Codes: 0 none, 1 shaped like an ID number, 2 mobile, 3 e-mail, 4 13-19 digits,
    5 person name (only in a name column). Mobiles and e-mails need no further check.
    """
    codes = WHOLE_VALUE_CODES
    length = f"strlen({v})"
    branches = [
        f"WHEN {length} = 18 AND {v} >= '1' AND {v} < ':' AND regexp_full_match({v}, "
        f"{sql_literal(RESIDENT_ID_PATTERN)}) THEN {SHAPE_ID}",
        f"WHEN {length} BETWEEN 11 AND 15 AND (({v} >= '1' AND {v} < '2') OR ({v} >= '8' AND "
        f"{v} < '9') OR starts_with({v}, '+')) AND regexp_full_match({v}, "
        f"{sql_literal(MOBILE_PATTERN)}) THEN {codes[PiiKind.MOBILE]}",
        f"WHEN {length} >= 6 AND contains({v}, '@') AND regexp_full_match({v}, "
        f"{sql_literal(EMAIL_PATTERN)}) THEN {codes[PiiKind.EMAIL]}",
        f"WHEN {length} BETWEEN 13 AND 19 AND {v} >= '0' AND {v} < ':' AND "
        f"regexp_full_match({v}, {sql_literal(BANK_CARD_PATTERN)}) THEN {SHAPE_DIGITS}",
    ]
    if name_column:
        branches.append(
            f"WHEN regexp_full_match({v}, {sql_literal(PERSON_NAME_PATTERN)})"
            f" THEN {codes[PiiKind.PERSON_NAME]}"
        )
    return f"CASE WHEN {v} IS NULL THEN NULL {' '.join(branches)} ELSE 0 END"


def shape_number_sql(v: str, shape: str) -> str:
    """SQL for the value as an unsigned integer where its shape is numeric (null for an X)."""
    return f"CASE WHEN {shape} IN ({SHAPE_ID}, {SHAPE_DIGITS}) THEN try_cast({v} AS UBIGINT) END"


def shape_first17_sql(v: str, shape: str, number: str) -> str:
    """SQL for the first 17 digits of an ID-shaped value (``number`` from shape_number_sql)."""
    return f"CASE WHEN {shape} = {SHAPE_ID} THEN {id_first17_sql(v, number)} END"


def whole_value_kind_sql(shape: str, first17: str, number: str, *, today: date) -> str:
    """SQL giving the code of the kind a whole value is (0 when none), see WHOLE_VALUE_CODES.

    An ID-shaped value that fails its check digit is a bank card if it passes Luhn. The
    conditions of a ``CASE`` are evaluated left to right on the rows still selected, so
    the ID check runs on ID-shaped values only and Luhn on numbers not already IDs.
    """
    codes = WHOLE_VALUE_CODES
    numeric = f"{shape} IN ({SHAPE_ID}, {SHAPE_DIGITS})"
    resident_id = resident_id_check_sql(first17, id_check_value_sql(number), today)
    return (
        f"CASE WHEN {shape} = {SHAPE_ID} AND {resident_id} THEN {codes[PiiKind.RESIDENT_ID]} "
        f"WHEN {numeric} AND {luhn_sql(number)} THEN {codes[PiiKind.BANK_CARD]} "
        f"WHEN {numeric} THEN 0 ELSE {shape} END"
    )


EMBEDDED_DIGITS_PATTERN = r"[0-9]{11}"
_EMBEDDED_SQL_PATTERNS: dict[PiiKind, str] = {
    PiiKind.RESIDENT_ID: f"(?:^|[^0-9])({RESIDENT_ID_PATTERN})(?:$|[^0-9])",
    PiiKind.BANK_CARD: f"(?:^|[^0-9])({BANK_CARD_PATTERN})(?:$|[^0-9])",
    PiiKind.MOBILE: f"(?:^|[^0-9+])(?:{MOBILE_PATTERN})(?:$|[^0-9])",
    PiiKind.EMAIL: EMAIL_PATTERN,
}


def embedded_digits_gate_sql(v: str, shape: str) -> str:
    """SQL true for a value not PII as a whole holding a run of 11 digits, which every
    embedded ID number, bank card and mobile number has (a prefilter).

    Before the regular expression: a character takes one to four bytes, so a text of
    ``length`` characters and ``strlen`` bytes holds at most (4 × length − strlen) / 3
    one-byte characters; below 11 of them (say, a Chinese text with a few digits) it
    cannot hold 11 digits.
    """
    digits = sql_literal(EMBEDDED_DIGITS_PATTERN)
    return (
        f"CASE WHEN {shape} = 0 AND strlen({v}) >= 11 AND 4 * length({v}) - strlen({v}) >= 33 "
        f"THEN regexp_matches({v}, {digits}) ELSE false END"
    )


def invalid_x_id_sql(shape: str, number: str, kind: str) -> str:
    """SQL true for an ID-shaped value ending in ``X`` that is no valid ID number (``number``
    is null for it, ``kind`` its whole-value code 0): its first 17 digits may still hold a
    bank card, as they do for ``find_pii_spans``."""
    return f"({shape} = {SHAPE_ID} AND {number} IS NULL AND {kind} = 0)"


def embedded_candidate_sql(kind: PiiKind, v: str, digits_gate: str) -> str:
    """SQL extracting the first ID-number or bank-card candidate from a text (null if none)
    on the rows where the digits prefilter holds."""
    if kind not in (PiiKind.RESIDENT_ID, PiiKind.BANK_CARD):
        raise ValueError(f"no candidate is extracted for {kind}")
    pattern = sql_literal(_EMBEDDED_SQL_PATTERNS[kind])
    return f"CASE WHEN {digits_gate} THEN nullif(regexp_extract({v}, {pattern}, 1), '') END"


def embedded_id_first17_sql(candidate: str) -> str:
    """SQL for the first 17 digits of an extracted ID candidate as a number."""
    number = f"try_cast({candidate} AS UBIGINT)"
    return f"CASE WHEN {candidate} IS NOT NULL THEN {id_first17_sql(candidate, number)} END"


def embedded_card_number_sql(candidate: str) -> str:
    """SQL for an extracted bank-card candidate (13-19 digits) as a number."""
    return f"CASE WHEN {candidate} IS NOT NULL THEN CAST({candidate} AS UBIGINT) END"


def embedded_id_valid_sql(candidate: str, first17: str, *, today: date) -> str:
    """SQL true when the extracted ID candidate is a valid ID number (its check runs only
    on the rows that have a candidate)."""
    check_value = id_check_value_sql(f"try_cast({candidate} AS UBIGINT)")
    return (
        f"CASE WHEN {first17} IS NOT NULL THEN "
        f"{resident_id_check_sql(first17, check_value, today)} ELSE false END"
    )


def embedded_card_valid_sql(
    candidate: str, number: str, id_candidate: str, id_valid: str
) -> str:
    """SQL true when the extracted card candidate passes Luhn and is not the digits of the
    value's valid ID number (all 18, or the 17 before an ``X``); ``id_valid`` is the
    column from ``embedded_id_valid_sql``."""
    return (
        f"CASE WHEN {number} IS NOT NULL AND {luhn_sql(number)} THEN NOT ({id_valid} AND "
        f"({candidate} = {id_candidate} OR {candidate} = substr({id_candidate}, 1, 17))) "
        "ELSE false END"
    )


def embedded_mobile_sql(v: str, digits_gate: str) -> str:
    """SQL true when a text not PII as a whole holds a mobile number."""
    pattern = sql_literal(_EMBEDDED_SQL_PATTERNS[PiiKind.MOBILE])
    return f"CASE WHEN {digits_gate} THEN regexp_matches({v}, {pattern}) ELSE false END"


def embedded_email_sql(v: str, shape: str) -> str:
    """SQL true when a text not PII as a whole holds an e-mail address."""
    pattern = sql_literal(_EMBEDDED_SQL_PATTERNS[PiiKind.EMAIL])
    return (
        f"CASE WHEN {shape} = 0 AND strlen({v}) >= 6 AND contains({v}, '@') "
        f"THEN regexp_matches({v}, {pattern}) ELSE false END"
    )
