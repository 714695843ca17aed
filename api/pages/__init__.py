"""Web pages for people who read rather than query: server-rendered HTML (Jinja2) at the same
URLs as the REST views, plus the home, query and ontology pages. Every stylesheet and script is
served from api/static/; no page loads anything from elsewhere."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from ..render import TEMPLATES
from ..state import services_of
from . import catalogue, errors, present

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

present.install(TEMPLATES)
TEMPLATES.env.globals["example_queries"] = catalogue.examples  # the query editor on /query and /sparql


def install(app: FastAPI) -> None:
    """Add the pages' routes and the static files to the app."""
    from .routes import router

    services_of(app).problem_page = errors.problem_page  # errors as pages for browsers
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
