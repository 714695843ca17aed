"""Pages that are not a REST view's HTML: the home page, the query page, the ontology page; and
the suggestions the search box asks for as one types."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from graph_build.namespaces import PREFIXES
from graph_build.store.base import BuildInfo

from .. import deps
from ..render import HTML, TEMPLATES, choose, not_modified, not_modified_response, validators
from ..routes import vocabulary
from ..routes.params import Format
from ..routes.sparql import EXAMPLE
from ..views import bodies, people
from ..views.base import CSP, PageRequest, ViewContext
from . import catalogue
from .present import text
from .search import SearchIndex

router = APIRouter(tags=["pages"])
Ctx = deps.CurrentViewContext
Info = deps.CurrentBuild
SUGGESTIONS = 8


def page(request: Request, info: BuildInfo, template: str, context: dict) -> Response:
    """A page with the caching headers of the build it shows."""
    v = validators(info, request, f"page:{template}")
    if not_modified(request, v):
        return not_modified_response(v)
    return TEMPLATES.TemplateResponse(request, template, {"alternates": [], **context}, headers=v.headers())


def home(request: Request) -> Response:
    """The home page (HTML of GET /): what the graph holds, the search box, where to go next."""
    services = deps.services_for(request)
    info = deps.build_info(services.store)
    ctx = deps.view_context(request, services, services.store, info)
    stats = services.statistics.get(services.store, info.build_id)
    counts = dict(stats.classes)
    kinds = [
        (ctx.vocab.class_labels.get(c, c), c[len(CSP) :], n)
        for c, n in services.pages.body_kinds.get(info.build_id, services.store)
    ]
    return page(
        request,
        info,
        "home.html",
        {
            "title": "Community safety partnerships and who holds them to account",
            "info": info,
            "kinds": kinds,
            "bodies": counts.get(CSP + "Body", 0),
            "people": counts.get(CSP + "Person", 0),
            "sources": counts.get(CSP + "SourceDocument", 0),
            "meetings": counts.get(CSP + "Meeting", 0),
            "links": counts.get(CSP + "AccountabilityLink", 0),
            "triples": stats.triples,
            "graphs": len(stats.graphs),
        },
    )


@router.get(
    "/query", name="query_page", summary="The query page (HTML): a SPARQL editor with example queries"
)
def query_page(
    request: Request,
    info: Info,
    example: Annotated[str | None, Query(description="Open this example (file name without .rq)")] = None,
    query: Annotated[str | None, Query(description="Open with this query")] = None,
) -> Response:
    chosen = catalogue.example(example)
    return page(
        request,
        info,
        "query.html",
        query_context(
            request, chosen.query if chosen else (query or EXAMPLE), chosen.name if chosen else None
        ),
    )


def query_context(request: Request, query: str, example: str | None = None) -> dict:
    """What the query editor needs (also for the HTML of /sparql)."""
    settings = deps.services_for(request).settings
    return {
        "title": "Query the graph with SPARQL",
        "query": query,
        "example": example,
        "prefixes": sorted(PREFIXES),
        "timeout": settings.query_timeout_s,
        "limit": settings.result_limit,
        "id_base": settings.id_base,
    }


@router.get(
    "/ontology",
    name="ontology_page",
    summary="The ontology: Turtle, JSON-LD, N-Triples, RDF/XML, or a page of classes and properties with their use",
)
async def ontology_page(
    request: Request, info: Info, ctx: Ctx, services: deps.ServicesDep, format: Format = None
) -> Response:
    """The ontology: this page for browsers, Turtle, JSON-LD, N-Triples or RDF/XML for machines."""
    media_type = choose(request, vocabulary.OFFERS)
    if media_type != HTML:
        return await vocabulary.ontology_rdf(request, info, media_type)
    stats = await run_in_threadpool(services.statistics.get, ctx.store, info.build_id)
    terms = await run_in_threadpool(services.pages.terms.get, info.build_id, ctx.store, stats)
    return page(
        request,
        info,
        "ontology.html",
        {
            "title": "The ontology",
            "vocab": ctx.vocab,
            "classes": [t for t in terms if t.kind == "class"],
            "properties": [t for t in terms if t.kind != "class"],
        },
    )


@router.get(
    "/suggest", name="suggest", summary="Bodies and people whose name, ONS code or force id has a text"
)
def suggest(
    request: Request,
    ctx: Ctx,
    info: Info,
    q: Annotated[
        str, Query(min_length=1, max_length=100, description="What the user typed", examples=["plym"])
    ],
) -> Response:
    """Up to eight suggestions for a search box, best first (api/pages/search.py ranks the bodies:
    an exact identifier, then names starting with the text, partnerships before their groups),
    then people; with `near`, words of the index close to the text when nothing is found."""
    index = search_index(request, info)
    found = bodies.summaries(ctx, index.search(q, SUGGESTIONS))
    persons = people.list_people(
        ctx, q=q, page=PageRequest(1, SUGGESTIONS), self_url="", page_url=lambda n: ""
    )
    items = [suggestion(request, ctx, b, "body") for b in found]
    items += sorted(
        (suggestion(request, ctx, p, "person") for p in persons["results"]), key=lambda s: rank(s, q)
    )
    headers = validators(info, request, "suggest").headers()
    answer: dict = {"q": q, "suggestions": items[:SUGGESTIONS]}
    if not items:
        answer["near"] = index.near(q)
    return JSONResponse(answer, headers=headers)


def search_index(request: Request, info: BuildInfo) -> SearchIndex:
    """The served build's search index (made on first use)."""
    services = deps.services_for(request)
    return services.pages.search.get(info.build_id, services.store)


def suggestion(request: Request, ctx: ViewContext, node: dict, kind: str) -> dict:
    key = (ctx.key_of(node["id"]) or ("", ""))[1]
    ids = [str(i) for i in node.get("identifiers", []) if str(i) != key]
    types = node.get("type", [])
    kind_name = (
        ", ".join(ctx.vocab.class_labels.get(CSP + t, t) for t in types) if kind == "body" else "Person"
    )
    url = request.url_for("body" if kind == "body" else "person", key=key)
    return {"label": text(node.get("name")) or key, "kind": kind_name, "identifiers": ids, "url": str(url)}


def rank(item: dict, q: str) -> tuple:
    q = q.strip().lower()
    label = item["label"].lower()
    exact = any(i.lower() == q for i in item["identifiers"])
    return (not exact, not label.startswith(q), not any(w.startswith(q) for w in label.split()), label)
