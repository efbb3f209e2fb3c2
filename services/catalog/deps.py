"""Typed dependencies of the catalog's routes."""

from __future__ import annotations

from typing import Annotated

from services.catalog.config import CatalogSettings
from services.shared.app import app_state

SettingsDep = Annotated[CatalogSettings, app_state("settings")]
