"""Interactive API documentation that works offline: Swagger UI served from the installed
`swagger-ui-bundle-v2` package (its JavaScript and CSS, not a CDN), and the favicon.

FastAPI's own /docs and /redoc load their files from CDNs (and ReDoc its fonts from Google), so
both are turned off in create_app and /docs is answered here.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs/assets"
FAVICON = Path(__file__).resolve().parent.parent / "static" / "img" / "favicon.ico"

router = APIRouter(include_in_schema=False)


@router.get("/docs", name="swagger_ui_html")
async def swagger_ui(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "").rstrip("/")
    return get_swagger_ui_html(
        openapi_url=root + (request.app.openapi_url or "/openapi.json"),
        title=f"{request.app.title} · interactive documentation",
        swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{root}/favicon.ico",
        # no "valid" badge fetched from validator.swagger.io; deep links to each operation
        swagger_ui_parameters={"validatorUrl": None, "deepLinking": True},
    )


@router.get("/favicon.ico", name="favicon")
async def favicon() -> FileResponse:
    return FileResponse(
        FAVICON, media_type="image/x-icon", headers={"Cache-Control": "public, max-age=86400"}
    )


def install(app: FastAPI) -> None:
    """/docs, its assets and /favicon.ico (create the app with docs_url=None, redoc_url=None)."""
    app.include_router(router)
    app.mount(ASSETS, StaticFiles(directory=swagger_ui_path), name="swagger_ui_assets")
