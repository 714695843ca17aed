"""The vocabulary as linked data: the ontology and its code lists as documents in every RDF
format, and their term URIs dereferencing to them.

- `/ontology`: the ontology graph (classes, properties, code lists) as Turtle, JSON-LD,
  N-Triples or RDF/XML by Accept or ?format=; browsers get the ontology page (api/pages/).
- `/ontology/{list}`: one code list (`mechanism`, `status`, `role`, `basis`, `document-kind`):
  the scheme and its concepts, in the same formats, or as a page with each code anchored.
- Term URIs: `…/def#Term` is fetched as `…/def`, which answers 303 to `/ontology` (a browser
  keeps the `#Term` and lands on its row); a code `…/def/{list}/{code}` answers 303 to
  `/ontology/{list}#{code}`. Unknown codes and lists are 404.
- The API's own terms (`…/def/api#followed`, the keys of /context.jsonld that are not the
  ontology's): `…/def/api` answers 303 to `/ontology/api`, which describes them (a file in
  the package, api/static/api-terms.ttl: they belong to the API, not to the data).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path as PathLib
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response
from rdflib import Graph
from rdflib.namespace import RDFS, SKOS
from starlette.concurrency import run_in_threadpool

from graph_build.store.base import BuildInfo, Formats

from .. import deps
from ..problems import Problem
from ..render import (
    HTML,
    JSON,
    JSONLD,
    NTRIPLES,
    RDFXML,
    TEMPLATES,
    TURTLE,
    choose,
    media_type_header,
    not_modified,
    not_modified_response,
    validators,
)
from .params import Format

router = APIRouter(tags=["vocabulary"])
Info = deps.CurrentBuild

DEF = "https://w3id.org/cspkg/def"  # the ontology's namespace is fixed, whatever the base URI
PLAIN = "text/plain"  # N-Triples by its old name (rdflib asks for it)
OFFERS = (TURTLE, JSONLD, NTRIPLES, RDFXML, HTML, JSON, PLAIN)
_SERIALISED_AS = {JSON: JSONLD, PLAIN: NTRIPLES}
_SLUG = re.compile(r"^[a-z][a-z0-9-]*$")
_REDIRECT_HEADERS = {"Cache-Control": "public, max-age=3600", "Vary": "Accept"}

ONTOLOGY_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
CODE_LIST_QUERY = """
CONSTRUCT { ?s ?p ?o } WHERE {
  { SELECT DISTINCT ?scheme WHERE { ?code skos:inScheme ?scheme FILTER (STRSTARTS(STR(?code), "{prefix}")) } }
  ?s ?p ?o
  FILTER (?s = ?scheme || STRSTARTS(STR(?s), "{prefix}"))
}"""

Slug = Annotated[
    str,
    Path(description="A code list: mechanism, status, role, basis, document-kind", examples=["mechanism"]),
]
Code = Annotated[str, Path(description="A code of the list", examples=["scrutiny"])]


CODE_LISTS = ("mechanism", "status", "role", "basis", "document-kind")


def code_list_query(slug: str) -> str:
    return CODE_LIST_QUERY.replace("{prefix}", f"{DEF}/{slug}/")


def _graph_document(request: Request, query: str, media_type: str) -> bytes:
    services = deps.services_for(request)
    wanted = _SERIALISED_AS.get(media_type, media_type)
    result = services.store.raw(
        query,
        Formats(solutions=(), graph=(wanted,)),
        default_graph=[services.settings.graph_base + "ontology"],
    )
    return result.body


async def rdf_response(
    request: Request, info: BuildInfo, query: str, media_type: str, variant: str
) -> Response:
    """The vocabulary graph a CONSTRUCT over the ontology graph makes, in one RDF format."""
    v = validators(info, request, f"{variant}:{media_type}")
    if not_modified(request, v):
        return not_modified_response(v)
    body = await run_in_threadpool(_graph_document, request, query, media_type)
    return Response(body, media_type=media_type_header(media_type), headers=v.headers())


async def ontology_rdf(request: Request, info: BuildInfo, media_type: str) -> Response:
    """/ontology for machines (the ontology page answers browsers)."""
    return await rdf_response(request, info, ONTOLOGY_QUERY, media_type, "ontology")


API_TERMS_FILE = PathLib(__file__).resolve().parent.parent / "static" / "api-terms.ttl"
API_TERMS = DEF + "/api#"
_RDFLIB = {TURTLE: "turtle", JSONLD: "json-ld", NTRIPLES: "nt", RDFXML: "pretty-xml"}


@cache
def api_terms() -> Graph:
    return Graph().parse(API_TERMS_FILE, format="turtle")


@router.get(
    "/ontology/api",
    name="api_terms",
    summary="The terms of the API's views (…/def/api#followed): Turtle, JSON-LD, N-Triples, RDF/XML or HTML",
)
async def api_terms_document(request: Request, info: Info, format: Format = None) -> Response:
    media_type = choose(request, OFFERS)
    v = validators(info, request, f"api-terms:{media_type}")
    if not_modified(request, v):
        return not_modified_response(v)
    graph = api_terms()
    if media_type == HTML:
        return TEMPLATES.TemplateResponse(
            request,
            "apiterms.html",
            {"title": "The API's terms", "namespace": API_TERMS, "terms": _terms(graph), "alternates": []},
            headers=v.headers(),
        )
    wanted = _SERIALISED_AS.get(media_type, media_type)
    data = graph.serialize(format=_RDFLIB[wanted])
    body = data.encode() if isinstance(data, str) else data
    return Response(body, media_type=media_type_header(media_type), headers=v.headers())


def _terms(graph: Graph) -> list[dict[str, str]]:
    return sorted(
        (
            {
                "iri": str(term),
                "name": str(term).removeprefix(API_TERMS),
                "label": str(graph.value(term, RDFS.label) or ""),
                "comment": str(graph.value(term, RDFS.comment) or ""),
            }
            for term in set(graph.subjects(RDFS.isDefinedBy, None))
            if str(term).startswith(API_TERMS)
        ),
        key=lambda t: t["name"].lower(),
    )


@router.get(
    "/ontology/{slug}",
    name="code_list",
    summary="One code list (SKOS concept scheme): Turtle, JSON-LD, N-Triples, RDF/XML or HTML",
)
async def code_list(request: Request, slug: Slug, info: Info, format: Format = None) -> Response:
    media_type = choose(request, OFFERS)
    if not await run_in_threadpool(_known, request, f"{DEF}/{slug}/", exact=False):
        raise Problem(404, "not-found", f"there is no code list {slug!r}: try one of {', '.join(CODE_LISTS)}")
    if media_type != HTML:
        return await rdf_response(request, info, code_list_query(slug), media_type, f"codes-{slug}")
    return await code_list_page(request, info, slug, code_list_query(slug))


def _known(request: Request, iri: str, *, exact: bool) -> bool:
    """Whether the ontology graph has a code with this IRI (or, not exact, starting with it)."""
    if not all(_SLUG.match(part) for part in iri.removeprefix(DEF + "/").rstrip("/").split("/")):
        return False
    test = f"FILTER (?code = <{iri}>)" if exact else f'FILTER (STRSTARTS(STR(?code), "{iri}"))'
    services = deps.services_for(request)
    return services.store.ask(
        f"ASK {{ GRAPH <{services.settings.graph_base}ontology> {{ ?code skos:inScheme ?scheme {test} }} }}"
    )


async def code_list_page(request: Request, info: BuildInfo, slug: str, query: str) -> Response:
    v = validators(info, request, f"page:codes-{slug}")
    if not_modified(request, v):
        return not_modified_response(v)
    graph = Graph().parse(
        data=await run_in_threadpool(_graph_document, request, query, TURTLE), format="turtle"
    )
    schemes = [s for s in graph.subjects(SKOS.prefLabel, None) if not str(s).startswith(f"{DEF}/{slug}/")]
    if not schemes:
        raise Problem(404, "not-found", f"there is no code list {slug!r}")
    codes = sorted(
        (
            {
                "iri": str(c),
                "code": str(c).removeprefix(f"{DEF}/{slug}/"),
                "label": graph.value(c, SKOS.prefLabel),
                "definition": graph.value(c, SKOS.definition) or graph.value(c, RDFS.comment),
                "broader": [str(b).removeprefix(f"{DEF}/{slug}/") for b in graph.objects(c, SKOS.broader)],
            }
            for c in set(graph.subjects(SKOS.inScheme, schemes[0]))
        ),
        key=lambda c: str(c["code"]),
    )
    alternates = [
        (name, str(request.url.include_query_params(format=name))) for name in ("ttl", "jsonld", "nt", "rdf")
    ]
    return TEMPLATES.TemplateResponse(
        request,
        "codelist.html",
        {
            "title": str(graph.value(schemes[0], SKOS.prefLabel)),
            "scheme": str(schemes[0]),
            "slug": slug,
            "codes": codes,
            "alternates": alternates,
        },
        headers=v.headers(),
    )


# -- term URIs ---------------------------------------------------------------------------------
@router.get(
    "/def",
    name="vocabulary_namespace",
    status_code=303,
    summary="The ontology's namespace (…/def#Term): 303 to /ontology",
    responses={303: {"description": "See Other: the ontology document"}},
)
async def namespace(request: Request) -> Response:
    return RedirectResponse(_target(request, "/ontology"), status_code=303, headers=_REDIRECT_HEADERS)


@router.get(
    "/def/{slug}/{code}",
    name="dereference_code",
    status_code=303,
    summary="Dereference a code URI (…/def/mechanism/scrutiny): 303 to its code list",
    responses={
        303: {"description": "See Other: the code list, at the code"},
        404: {"description": "Unknown code"},
    },
)
async def code(request: Request, slug: Slug, code: Code, info: Info) -> Response:
    iri = f"{DEF}/{slug}/{code}"
    if not await run_in_threadpool(_known, request, iri, exact=True):
        raise Problem(404, "not-found", f"{iri} is not a code of the vocabulary")
    return RedirectResponse(
        _target(request, f"/ontology/{slug}") + f"#{code}", status_code=303, headers=_REDIRECT_HEADERS
    )


@router.get(
    "/def/api",
    name="api_terms_namespace",
    status_code=303,
    summary="The namespace of the API's terms (…/def/api#followed): 303 to /ontology/api",
    responses={303: {"description": "See Other: the document describing the API's terms"}},
)
async def api_terms_namespace(request: Request) -> Response:
    return RedirectResponse(_target(request, "/ontology/api"), status_code=303, headers=_REDIRECT_HEADERS)


@router.get("/def/{slug}", include_in_schema=False)
async def code_list_namespace(request: Request, slug: Slug) -> Response:
    return RedirectResponse(_target(request, f"/ontology/{slug}"), status_code=303, headers=_REDIRECT_HEADERS)


def _target(request: Request, path: str) -> str:
    target = str(request.base_url).rstrip("/") + path
    return target + ("?" + request.url.query if request.url.query else "")
