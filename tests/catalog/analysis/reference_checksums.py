"""Independent reference implementations of ISO 7064 MOD 11-2 and Luhn, for the tests."""

from __future__ import annotations


def iso7064_mod11_2_check(first17: str) -> str:
    """The check character by the recursive ISO 7064 procedure (not the weights table)."""
    p = 0
    for char in first17:
        p = ((p + int(char)) * 2) % 11
    check = (12 - p) % 11
    return "X" if check == 10 else str(check)


def make_resident_id(area: str, birth: str, sequence: str) -> str:
    """A valid 18-character ID number from area code, YYYYMMDD birth date and sequence."""
    first17 = area + birth + sequence
    assert len(first17) == 17
    return first17 + iso7064_mod11_2_check(first17)


def wrong_check_char(resident_id: str) -> str:
    """The same ID number with a wrong check character."""
    right = resident_id[17]
    for candidate in "0123456789X":
        if candidate != right:
            return resident_id[:17] + candidate
    raise AssertionError("unreachable")


def luhn_is_valid(number: str) -> bool:
    """Luhn by summing the digits of every second digit doubled, from the right."""
    digits = [int(c) for c in number]
    odd = digits[-1::-2]
    even = digits[-2::-2]
    return (sum(odd) + sum(sum(divmod(2 * d, 10)) for d in even)) % 10 == 0


def luhn_complete(prefix: str) -> str:
    """The prefix followed by the digit that makes it Luhn-valid."""
    for digit in "0123456789":
        if luhn_is_valid(prefix + digit):
            return prefix + digit
    raise AssertionError("unreachable")
