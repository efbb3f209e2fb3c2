"""Portal settings refuse insecure production values."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.portal.config import PortalSettings


def test_production_refuses_the_demo_secret_and_insecure_cookies() -> None:
    with pytest.raises(ValidationError, match="secret_key"):
        PortalSettings(environment="production", cookie_secure=True)
    with pytest.raises(ValidationError, match="cookie_secure"):
        PortalSettings(environment="production", secret_key="s" * 32)
    assert PortalSettings(environment="production", secret_key="s" * 32,
                          cookie_secure=True).port == 8000
