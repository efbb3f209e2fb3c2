"""The password policy, applied wherever a person chooses a password (registration,
a password change) and to the first passwords of invited users.

A password must be 10 to 256 characters, use at least 5 different characters, not
contain the username, and not be one of the ~20,000 most common passwords (the list
Django ships, as package data here: ``common-passwords.txt.gz``; compared lower-cased).
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib.resources import files

from services.shared.problems import InvalidInput

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
MIN_DISTINCT_CHARACTERS = 5
COMMON_PASSWORDS = "common-passwords.txt.gz"


@cache
def common_passwords() -> frozenset[str]:
    """The common-password list, lower-cased, read once."""
    data = files("services.exchange.identity").joinpath(COMMON_PASSWORDS).read_bytes()
    return frozenset(line.strip().lower() for line in gzip.decompress(data).decode().split())


def password_problem(password: str, *, username: str) -> tuple[str, str] | None:
    """Why ``password`` is refused for ``username`` (a slug and a sentence), or None
    when it may be used."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "password-too-short", f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return "password-too-long", f"must be at most {MAX_PASSWORD_LENGTH} characters"
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        return ("password-too-simple",
                f"must use at least {MIN_DISTINCT_CHARACTERS} different characters")
    name = username.strip().lower()
    if name and (name in password.lower() or password.lower() in name):
        return "password-contains-username", "must not contain the username"
    if password.strip().lower() in common_passwords():
        return ("password-too-common",
                "is one of the most common passwords; choose another")
    return None


def check_password(password: str, *, username: str, field: str = "password") -> None:
    """422 naming the field and the rule it breaks (slug ``password-too-*`` or
    ``password-contains-username``)."""
    problem = password_problem(password, username=username)
    if problem is not None:
        slug, sentence = problem
        raise InvalidInput(f"{field}: {sentence}", slug=slug)
