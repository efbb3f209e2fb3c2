"""Typed dependencies of the catalog's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.catalog.config import CatalogSettings


def _settings(request: Request) -> CatalogSettings:
    settings: CatalogSettings = request.app.state.settings
    return settings


SettingsDep = Annotated[CatalogSettings, Depends(_settings)]
