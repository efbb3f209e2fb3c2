"""Rendering pages: the Jinja2 environment and what every page template is given."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.portal.i18n import Translator, choose_language
from services.portal.rendering import install_filters
from services.portal.session import ANONYMOUS, CSRF_FIELD, SessionSeal, Visitor

TEMPLATES = Path(__file__).parent / "templates"


def template_environment() -> Environment:
    """Autoescaping templates from ``services/portal/templates`` with the portal's filters."""
    env = Environment(loader=FileSystemLoader(TEMPLATES),
                      autoescape=select_autoescape(["html", "svg"]),
                      trim_blocks=True, lstrip_blocks=True)
    install_filters(env)
    return env


def with_query(request: Request, **changes: Any) -> str:
    """This page's path and query with some parameters changed (None drops one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200) -> HTMLResponse:
    """The page ``template`` for this visitor, in the visitor's language."""
    env: Environment = request.app.state.templates
    seal: SessionSeal = request.app.state.seal
    t = Translator(choose_language(request))
    visitor: Visitor = getattr(request.state, "visitor", None) or ANONYMOUS
    page = {
        "request": request,
        "t": t,
        "lang": t.language,
        "visitor": visitor,
        "csrf_field": CSRF_FIELD,
        "csrf_token": seal.csrf_token(request),
        "lang_toggle_url": with_query(request, lang=t.other),
        "with_query": lambda **changes: with_query(request, **changes),
        **(context or {}),
    }
    html = env.get_template(template).render(page)
    return HTMLResponse(html, status_code=status_code)
