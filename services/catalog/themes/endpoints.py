"""``GET /v1/themes``: the vocabulary a dataset's ``themes`` are drawn from."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict

from services.catalog.themes.repository import all_themes
from services.shared.app import SessionDep

router = APIRouter(tags=["catalog"])


class ThemeOut(BaseModel):
    """A theme: its code and its names."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name_zh: str
    name_en: str


@router.get("/themes", response_model=list[ThemeOut], summary="The theme vocabulary")
def list_themes(session: SessionDep, response: Response) -> Any:
    """Every theme, in the vocabulary's order."""
    response.headers["Cache-Control"] = "public, max-age=3600"
    return all_themes(session)
