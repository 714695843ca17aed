"""Representations of a view: JSON-LD (and plain JSON), Turtle, N-Triples, RDF/XML, CSV for
lists, and HTML; chosen by ?format= or the Accept header; with caching headers.

Every RDF format is made from the JSON-LD document itself (parsed with the published context by
pyoxigraph, which keeps literals' lexical forms), so all representations carry the same
statements. ETags are weak and name the build, the format
and the host: they change exactly when a new build is served.
"""

from __future__ import annotations

import csv
import io
import json
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from graph_build.namespaces import PREFIXES
from graph_build.store.answers import as_bytes
from graph_build.store.base import BuildInfo

from .context import context
from .negotiation import best
from .problems import Problem

JSONLD = "application/ld+json"
JSON = "application/json"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
RDFXML = "application/rdf+xml"
CSV = "text/csv"
HTML = "text/html"

RDF_OFFERS = (JSONLD, JSON, TURTLE, NTRIPLES, RDFXML)
FORMAT_NAMES = {
    "jsonld": JSONLD,
    "json-ld": JSONLD,
    "json": JSON,
    "ttl": TURTLE,
    "turtle": TURTLE,
    "nt": NTRIPLES,
    "ntriples": NTRIPLES,
    "n-triples": NTRIPLES,
    "rdf": RDFXML,
    "rdfxml": RDFXML,
    "xml": RDFXML,
    "csv": CSV,
    "html": HTML,
}
_RDF_FORMATS = {TURTLE: ox.RdfFormat.TURTLE, NTRIPLES: ox.RdfFormat.N_TRIPLES, RDFXML: ox.RdfFormat.RDF_XML}
_CHARSET = {TURTLE, NTRIPLES, CSV, HTML}
_NAMESPACES = {
    **PREFIXES,
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "cspapi": "https://w3id.org/cspkg/def/api#",
}

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))

CsvSpec = Sequence[tuple[str, Callable[[dict], Any]]]


def offers(*, csv: bool = False, html: bool = True) -> tuple[str, ...]:
    """The media types a view offers, in the server's order of preference (JSON-LD first)."""
    return RDF_OFFERS + ((CSV,) if csv else ()) + ((HTML,) if html else ())


def choose(request: Request, offered: Sequence[str]) -> str:
    """The representation to send: ?format= wins over Accept; 406 when nothing offered fits."""
    name = request.query_params.get("format")
    if name:
        media_type = FORMAT_NAMES.get(name.lower())
        if media_type is None:
            raise Problem(
                400,
                "invalid-parameter",
                f"format: '{name}' is not one of {', '.join(sorted(FORMAT_NAMES))}",
                errors=[{"parameter": "format", "in": "query", "rule": "unknown format"}],
            )
        if media_type not in offered:
            raise Problem(
                406,
                "not-acceptable",
                f"this view is not offered as {name}; it is offered as " + ", ".join(offered),
                headers={"Vary": "Accept"},
            )
        return media_type
    media_type = best(request.headers.get("accept"), offered)
    if media_type is None:
        raise Problem(
            406,
            "not-acceptable",
            "none of the media types in Accept is offered; this view is offered as " + ", ".join(offered),
            headers={"Vary": "Accept"},
        )
    return media_type


# -- caching -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Validators:
    """ETag and Last-Modified of one representation of one build."""

    etag: str
    last_modified: str

    def headers(self) -> dict[str, str]:
        return {
            "ETag": self.etag,
            "Last-Modified": self.last_modified,
            "Cache-Control": "no-cache",
            "Vary": "Accept",
        }


@lru_cache(maxsize=8)
def _http_date(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso), usegmt=True)


def validators(info: BuildInfo, request: Request, variant: str) -> Validators:
    host = request.headers.get("host", "")
    tag = zlib.crc32(f"{variant}|{host}|{request.scope.get('root_path', '')}".encode())
    return Validators(f'W/"{info.build_id}-{tag:08x}"', _http_date(info.built_at))


def not_modified(request: Request, v: Validators) -> bool:
    """True when the client's copy is current (If-None-Match, else If-Modified-Since)."""
    if request.method not in ("GET", "HEAD"):
        return False
    inm = request.headers.get("if-none-match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or v.etag.removeprefix("W/") in tags
    ims = request.headers.get("if-modified-since")
    if ims:
        try:
            return parsedate_to_datetime(ims) >= parsedate_to_datetime(v.last_modified)
        except (TypeError, ValueError):
            return False
    return False


def not_modified_response(v: Validators) -> Response:
    return Response(status_code=304, headers=v.headers())


# -- documents -------------------------------------------------------------------------------
def context_url(request: Request) -> str:
    return str(request.url_for("context"))


def jsonld_document(request: Request, doc: dict) -> dict:
    return {"@context": context_url(request), **doc}


def rdf_triples(doc: dict) -> list[ox.Triple]:
    """The statements of a view document: the document parsed as JSON-LD with the published
    context (literals keep their exact lexical form)."""
    data = json.dumps({"@context": context(), **doc}).encode()
    seen = dict.fromkeys(
        ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=ox.RdfFormat.JSON_LD)
    )
    return list(seen)


def rdf_bytes(doc: dict, media_type: str) -> bytes:
    rdf_format = _RDF_FORMATS[media_type]
    prefixes = _NAMESPACES if rdf_format is not ox.RdfFormat.N_TRIPLES else None
    body = as_bytes(ox.serialize(rdf_triples(doc), format=rdf_format, prefixes=prefixes))
    return body.replace(b"\r", b"&#13;") if rdf_format is ox.RdfFormat.RDF_XML else body


def csv_text(items: Sequence[dict], spec: CsvSpec) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([name for name, _ in spec])
    for item in items:
        writer.writerow(["" if (v := get(item)) is None else v for _, get in spec])
    return buf.getvalue()


def media_type_header(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type in _CHARSET else media_type


def render(
    request: Request,
    doc: dict,
    media_type: str,
    v: Validators,
    *,
    title: str,
    csv_items: Sequence[dict] | None = None,
    csv_spec: CsvSpec | None = None,
    template: str = "resource.html",
    status: int = 200,
) -> Response:
    """One representation of a view document."""
    headers = v.headers()
    if media_type in (JSONLD, JSON):
        body = json.dumps(jsonld_document(request, doc), ensure_ascii=False, separators=(",", ":")).encode()
    elif media_type in _RDF_FORMATS:
        body = rdf_bytes(doc, media_type)
    elif media_type == CSV:
        assert csv_spec is not None
        body = csv_text(csv_items or [], csv_spec).encode()
        headers["Content-Disposition"] = f'inline; filename="{title_slug(title)}.csv"'
    elif media_type == HTML:
        alternates = [
            (name, str(request.url.include_query_params(format=name)))
            for name in ("jsonld", "ttl", "nt", "rdf") + (("csv",) if csv_spec else ())
        ]
        from .pages.documents import page_response  # the pages build on the views; imported late

        return page_response(request, doc, title=title, alternates=alternates, headers=headers, status=status)
    else:  # pragma: no cover - choose() only returns offered types
        raise Problem(406, "not-acceptable", f"cannot write {media_type}")
    return Response(body, status_code=status, media_type=media_type_header(media_type), headers=headers)


def title_slug(title: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-") or "list"
