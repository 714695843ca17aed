"""The review app: a local web page to open a set of minutes (a draft of data/drafts/, or a file
uploaded and drafted here), check its facts and publish them.

It listens on 127.0.0.1 only and answers only requests that carry its token (a random value in
the URL it prints, sent back by the page as a header), name it as the Host (127.0.0.1 or
localhost at its port: a page elsewhere cannot reach it by a DNS name it controls), and, for
changes, come from its own origin as JSON, or for an upload as application/octet-stream (no
other site's page can post either without the browser asking first, and it is not answered).
It is a program of its own, apart from `cspkg serve`: the public API stays read-only.
"""

from __future__ import annotations

import secrets
from importlib import resources
from typing import Any
from urllib.parse import unquote

from fastapi import FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel
from rdflib import Literal
from starlette.types import ASGIApp, Receive, Scope, Send

from ..draft import MAX_BYTES
from ..draft.extract import too_large
from ..pipeline import _ontology
from ..store import StoreUnavailable, open_store
from .review import KEY_ORDER, SECTIONS, Problem, Refused, Review
from .run import CannotReview, Desk, safe_name

SEARCH = """SELECT DISTINCT ?x ?label ?kind WHERE { VALUES ?q { UNDEF }
    VALUES (?type ?kind) { (csp:Body "body") (csp:Person "person") }
    ?x a ?type ; skos:prefLabel ?label .
    FILTER(CONTAINS(LCASE(STR(?label)), LCASE(STR(?q))) || CONTAINS(STR(?x), LCASE(STR(?q)))) }
    ORDER BY STRLEN(STR(?label)) LIMIT 20"""
REFERENCE_FIELDS = {
    "part_of": "body",
    "body": "body",
    "holder": "any",
    "held": "any",
    "member": "any",
    "organisation": "body",
    "publisher": "body",
    "raised_by": "any",
    "about": "any",
    "lead": "any",
    "partners": "any",
    "attendees": "any",
}
LIST_FIELDS = ("alt_names", "covers", "replaces", "attendees", "lead", "partners", "about")


class Change(BaseModel):
    entry: dict[str, Any] | None = None
    state: str | None = None


class Opening(BaseModel):
    name: str


class Addition(BaseModel):
    kind: str
    entry: dict[str, Any]
    span: tuple[int, int] | None = None


class Guard:
    """Refuses requests for another host, without the token, or changes from another origin."""

    def __init__(self, app: ASGIApp, token: str, port: int):
        self.app, self.token = app, token
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
        self.origins = {f"http://{h}" for h in self.hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(scope)
        if refusal is not None:
            status, message = refusal
            await JSONResponse({"detail": message}, status_code=status)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def refusal(self, scope: Scope) -> tuple[int, str] | None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if headers.get("host") not in self.hosts:
            return 421, "this review app answers only at 127.0.0.1"
        query = dict(
            part.split("=", 1) for part in scope.get("query_string", b"").decode().split("&") if "=" in part
        )
        given = headers.get("x-curate-token") or query.get("token", "")
        if not secrets.compare_digest(given.encode(), self.token.encode()):
            return 403, "open the address cspkg curate printed (it holds the token)"
        if scope["method"] not in ("GET", "HEAD"):
            if headers.get("origin") not in self.origins or headers.get(
                "sec-fetch-site", "same-origin"
            ) not in (
                "same-origin",
                "none",
            ):
                return 403, "changes are taken only from the review page itself"
            kind = headers.get("content-type", "").split(";")[0].strip()
            wanted = UPLOAD_TYPE if scope["path"] == "/api/upload" else "application/json"
            if kind != wanted:
                return 415, f"this is sent as {wanted}"
        return None


UPLOAD_TYPE = "application/octet-stream"  # not a type a cross-site form can send without asking


def _problems(problems: list[Problem]) -> JSONResponse:
    return JSONResponse({"problems": [p.__dict__ for p in problems]}, status_code=422)


def create_app(desk: Desk, token: str, port: int) -> ASGIApp:
    app = FastAPI(title="cspkg curate", docs_url=None, redoc_url=None, openapi_url=None)
    settings = desk.settings

    def open_one() -> Review:
        if desk.review is None:
            raise HTTPException(409, "no document open: open a draft or upload minutes")
        return desk.review

    _, vocab = _ontology(settings.ontology_dir)
    codes = {
        "mechanism": sorted(vocab.mechanisms),
        "status": sorted(vocab.statuses),
        "role": sorted(vocab.roles),
        "basis": ["statutory", "non-statutory", "unknown"],
        "type": sorted(vocab.body_classes),
    }

    @app.get("/", response_class=HTMLResponse)
    def page() -> HTMLResponse:
        folder = resources.files("graph_build.curate")
        html = (folder / "page.html").read_text(encoding="utf-8")
        html = html.replace("/*STYLE*/", (folder / "curate.css").read_text(encoding="utf-8"))
        html = html.replace("/*SCRIPT*/", (folder / "curate.js").read_text(encoding="utf-8"))
        return HTMLResponse(
            html,
            headers={
                "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; "
                "style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:",
                "Referrer-Policy": "no-referrer",
                "X-Frame-Options": "DENY",
            },
        )

    _documents(app, desk)

    @app.get("/api/review")
    def whole() -> dict:
        review = open_one()
        return {
            "name": desk.name,
            "unsaved": review.unsaved,
            "undo": len(review.history),
            "text": review.text,
            "source": review.source,
            "target": str(review.target()),
            "replaces": review.target().exists(),
            "cards": [c.view() for c in review.cards],
            "sections": SECTIONS,
            "fields": KEY_ORDER,
            "codes": codes,
            "references": REFERENCE_FIELDS,
            "lists": LIST_FIELDS,
            "problems": [p.__dict__ for p in review.problems()],
        }

    @app.post("/api/cards/{card_id}", response_model=None)
    def change(card_id: str, change: Change) -> dict[str, Any] | JSONResponse:
        try:
            return open_one().change(card_id, change.entry, change.state).view()
        except KeyError:
            return JSONResponse({"detail": f"no card {card_id}"}, status_code=404)
        except Refused as exc:
            return _problems(exc.problems)

    @app.post("/api/cards", response_model=None)
    def add(addition: Addition) -> dict[str, Any] | JSONResponse:
        try:
            return open_one().add(addition.kind, addition.entry, addition.span).view()
        except Refused as exc:
            return _problems(exc.problems)

    @app.get("/api/search")
    def search(q: str = "") -> list[dict]:
        q = q.strip()[:80]
        if len(q) < 2:
            return []
        own = [
            {
                "id": c.entry["id"],
                "label": c.entry.get("name") or c.entry["id"],
                "kind": "body" if c.kind == "bodies" else "person",
            }
            for c in (desk.review.cards if desk.review else [])
            if c.kind in ("bodies", "people")
            and c.state != "rejected"
            and "id" in c.entry
            and q.lower() in (str(c.entry.get("name", "")) + c.entry["id"]).lower()
        ]
        try:
            rows = open_store(settings).select(SEARCH, {"q": Literal(q)})
        except StoreUnavailable:
            rows = []
        found = [
            {"id": str(r["x"]).rsplit("/", 1)[-1], "label": str(r["label"]), "kind": str(r["kind"])}
            for r in rows
        ]
        unique: dict[str, dict] = {}
        for x in own + found:
            unique.setdefault(x["id"], x)  # the first of each id, in order
        return list(unique.values())

    @app.post("/api/undo", response_model=None)
    def undo() -> dict[str, Any] | JSONResponse:
        try:
            before = open_one().undo()
        except Refused as exc:
            return _problems(exc.problems)
        return {"card": before.view() if before else None}

    @app.post("/api/save", response_model=None)
    def save() -> dict[str, Any] | JSONResponse:
        try:
            path, info = open_one().save()
        except Refused as exc:
            return _problems(exc.problems)
        return {"path": str(path), "build_id": info.build_id}

    return Guard(app, token, port)


def _documents(app: FastAPI, desk: Desk) -> None:
    """The routes that choose the document: the drafts to open, opening one, uploading minutes."""

    @app.get("/api/documents")
    def documents() -> dict:
        return {"drafts": desk.documents(), "max_bytes": MAX_BYTES, "open": desk.name}

    @app.post("/api/open", response_model=None)
    def open_draft(opening: Opening) -> dict[str, Any] | JSONResponse:
        try:
            desk.open_named(opening.name)
        except CannotReview as exc:
            return JSONResponse({"detail": str(exc)}, status_code=422)
        return {"name": desk.name}

    @app.post("/api/upload", response_model=None)
    async def upload(request: Request) -> dict[str, Any] | JSONResponse:
        name = safe_name(unquote(request.headers.get("x-file-name", "minutes")))
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BYTES:
            return JSONResponse({"detail": str(too_large(name, int(declared)))}, status_code=413)
        data = bytearray()
        async for chunk in request.stream():
            data += chunk
            if len(data) > MAX_BYTES:  # no length declared, or not the one sent
                return JSONResponse({"detail": str(too_large(name, len(data)))}, status_code=413)
        try:
            await run_in_threadpool(desk.upload, name, bytes(data))
        except CannotReview as exc:
            return JSONResponse({"detail": str(exc)}, status_code=422)
        return {"name": desk.name}
