"""TOTP (RFC 6238) codes and recovery codes: the rules, no database.

Codes are 6 digits over 30-second steps (what every authenticator app shows); one step
either side is accepted for clock drift, and a step whose code was accepted once is
never accepted again (RFC 6238 §5.2). Recovery codes are 10 random base32 characters,
shown once and stored as SHA-256.
"""

from __future__ import annotations

import hashlib
import secrets
import time

import pyotp

ISSUER_NAME = "dataex"
STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_secret() -> str:
    """A new 160-bit base32 TOTP secret (RFC 4226's recommended length)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (as a QR code or a link)."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER_NAME)


def accepted_step(secret: str, code: str, *, last_step: int | None,
                  now: float | None = None) -> int | None:
    """The time step ``code`` is valid for (within the drift), if it was not used
    before (later than ``last_step``); None if it is refused."""
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Fresh recovery codes, as ``xxxxx-xxxxx``."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_hash(code: str) -> str:
    """What a recovery code is stored as (its normalised SHA-256)."""
    normalised = code.strip().lower().replace("-", "").replace(" ", "")
    return hashlib.sha256(normalised.encode()).hexdigest()


def looks_like_recovery_code(code: str) -> bool:
    """Whether ``code`` has a recovery code's shape rather than a TOTP code's."""
    return len(code.strip().replace("-", "").replace(" ", "")) == 10
