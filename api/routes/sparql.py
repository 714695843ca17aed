"""/sparql: the SPARQL 1.1 Protocol (query operation) and the service description."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from graph_build.namespaces import PREFIXES
from graph_build.store import StoreTimeout, StoreUnavailable

from .. import deps
from ..problems import Problem
from ..render import (
    HTML,
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
from ..services import sparql as protocol
from ..services.description import service_description
from ..state import Services

router = APIRouter(tags=["SPARQL"])

EXAMPLE = """# Who holds whom to account, by what mechanism (the prefixes are declared for you)
SELECT ?holderName ?mechanism ?heldName ?status WHERE {
  ?link a csp:AccountabilityLink ; csp:holder ?holder ; csp:held ?held ;
        csp:mechanism/skos:notation ?mechanism ; csp:status/skos:notation ?status .
  OPTIONAL { ?holder skos:prefLabel ?holderName }
  OPTIONAL { ?held skos:prefLabel ?heldName }
}
ORDER BY ?holderName
LIMIT 100"""

_RESULT_EXAMPLE = {
    "head": {"vars": ["holderName", "mechanism", "heldName", "status"]},
    "results": {
        "bindings": [
            {
                "holderName": {"type": "literal", "value": "Devon and Cornwall Police and Crime Panel"},
                "mechanism": {"type": "literal", "value": "scrutiny"},
                "heldName": {
                    "type": "literal",
                    "value": "Police and Crime Commissioner for Devon and Cornwall",
                },
                "status": {"type": "literal", "value": "statutory"},
            }
        ]
    },
}
OPENAPI = {
    "parameters": [
        {
            "name": "query",
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "example": EXAMPLE,
            "description": "The SPARQL query (exactly one). Without any parameter, GET answers the service description.",
        },
        {
            "name": "default-graph-uri",
            "in": "query",
            "required": False,
            "style": "form",
            "explode": True,
            "schema": {"type": "array", "items": {"type": "string"}},
            "description": "Named graph(s) forming the default graph; overrides FROM (repeatable)",
        },
        {
            "name": "named-graph-uri",
            "in": "query",
            "required": False,
            "style": "form",
            "explode": True,
            "schema": {"type": "array", "items": {"type": "string"}},
            "description": "Named graph(s) available to GRAPH; overrides FROM NAMED (repeatable)",
        },
        {
            "name": "format",
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "examples": {
                name: {"value": name}
                for name in ("json", "xml", "csv", "tsv", "ttl", "nt", "rdf+xml", "json-ld")
            },
            "description": "Result format instead of the Accept header (not part of the protocol, as on Virtuoso "
            "and Fuseki): a name (json, xml, csv, tsv, ttl, n3, nt, rdf, rdf+xml, jsonld, json-ld) or a media type; "
            "repeatable, the first known value wins; a query form it leaves open is negotiated by Accept",
        },
        {
            "name": "output",
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": "The same as `format` (Fuseki's name for it)",
        },
    ],
}
_POST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string"},
                        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                    },
                    "required": ["query"],
                },
                "example": {"query": "ASK { ?s a csp:CommunitySafetyPartnership }"},
            },
            "application/sparql-query": {"schema": {"type": "string"}, "example": EXAMPLE},
        },
    },
}
_RESPONSES = {
    "responses": {
        "200": {
            "description": "Results: SELECT / ASK as SPARQL JSON, XML, CSV or TSV; CONSTRUCT / DESCRIBE as "
            "Turtle, N-Triples, RDF/XML or JSON-LD; the service description as Turtle, JSON-LD ...",
            "content": {
                "application/sparql-results+json": {"example": _RESULT_EXAMPLE},
                "application/sparql-results+xml": {"schema": {"type": "string"}},
                "text/csv": {
                    "schema": {"type": "string"},
                    "example": "holderName,mechanism,heldName,status\r\nDevon and Cornwall Police and Crime Panel,scrutiny,Police and Crime Commissioner for Devon and Cornwall,statutory\r\n",
                },
                "text/tab-separated-values": {"schema": {"type": "string"}},
                "text/turtle": {"schema": {"type": "string"}},
                "application/ld+json": {"schema": {"type": "object"}},
            },
        },
        "400": {
            "description": "Malformed query (the parser's message), no or two 'query' parameters",
            "content": {
                "application/problem+json": {
                    "example": {
                        "type": "https://w3id.org/cspkg/problems/malformed-query",
                        "title": "Bad Request",
                        "status": 400,
                        "detail": "error at 1:26: expected one of ...",
                    }
                }
            },
        },
        "403": {"description": "Updates, LOAD and SERVICE are refused"},
        "406": {"description": "No acceptable result format"},
        "415": {"description": "POST body neither form-encoded nor application/sparql-query"},
        "503": {
            "description": "The query ran past the time limit (it was stopped), or the store is unavailable",
            "content": {
                "application/problem+json": {
                    "example": {
                        "type": "https://w3id.org/cspkg/problems/query-timeout",
                        "title": "Query time limit exceeded",
                        "status": 503,
                        "detail": "the query ran longer than the 10 s time limit and was stopped; narrow the query",
                    }
                }
            },
        },
    },
}
SD_OFFERS = (TURTLE, JSONLD, NTRIPLES, RDFXML, HTML)
_RDFLIB = {TURTLE: "turtle", JSONLD: "json-ld", NTRIPLES: "nt", RDFXML: "pretty-xml"}


# One operation per method (distinct operation ids); HEAD is answered as GET (api/fastpath.py).
@router.get(
    "/sparql",
    name="sparql",
    operation_id="sparql_query_get",
    summary="SPARQL 1.1 query (GET)",
    openapi_extra={**OPENAPI, **_RESPONSES},
)
@router.post(
    "/sparql",
    operation_id="sparql_query_post",
    summary="SPARQL 1.1 query (POST)",
    openapi_extra={**OPENAPI, **_POST_BODY, **_RESPONSES},
)
async def sparql(request: Request, services: deps.ServedDep) -> Response:
    """The SPARQL 1.1 Protocol (query operation), read-only. The default graph is the union of
    all named graphs unless `default-graph-uri` / `named-graph-uri` or FROM / FROM NAMED say
    otherwise. Results are negotiated by Accept (q-values) or ?format=."""
    preq = await protocol.read_request(request)
    try:
        info = services.store.build_info()
        if preq is None:
            return await describe_service(request, services)
        if info is None:
            raise StoreUnavailable("the store holds no build yet: run 'cspkg build'")
        return await protocol.answer(request, preq, services, info)
    except StoreTimeout as exc:
        raise store_timeout(exc) from None


def store_timeout(exc: StoreTimeout) -> Problem:
    """/sparql's time limits are all 503 (README, A remote store): a store past its own is
    answered as unavailable, whichever path the request took (the short path or routing)."""
    return Problem(503, "store-unavailable", str(exc), headers={"Retry-After": "30"})


@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
async def sparql_write(request: Request) -> Response:
    raise Problem(
        405,
        "method-not-allowed",
        f"{request.method} is not allowed: this endpoint is read-only (no Graph Store Protocol, no updates)",
        headers={"Allow": "GET, HEAD, POST, OPTIONS"},
    )


@router.options("/sparql", include_in_schema=False)
async def sparql_options() -> Response:
    """What /sparql allows (a CORS preflight, with an Origin, is answered by the CORS layer)."""
    return Response(status_code=204, headers={"Allow": "GET, HEAD, POST, OPTIONS"})


async def describe_service(request: Request, services: Services) -> Response:
    media_type = choose(request, SD_OFFERS)
    info = services.store.build_info()
    if info is None:
        raise StoreUnavailable("the store holds no build yet: run 'cspkg build'")
    v = validators(info, request, f"sd:{media_type}")
    if not_modified(request, v):
        return not_modified_response(v)
    settings = services.settings
    if media_type == HTML:
        return TEMPLATES.TemplateResponse(
            request,
            "sparql.html",
            {
                "title": "SPARQL endpoint",
                "example": EXAMPLE,
                "prefixes": sorted(PREFIXES),
                "alternates": [],
                "timeout": settings.query_timeout_s,
                "limit": settings.result_limit,
                "id_base": settings.id_base,
            },
            headers=v.headers(),
        )
    stats = await run_in_threadpool(services.statistics.get, services.store, info.build_id)
    endpoint = str(request.url_for("sparql"))
    graph = service_description(
        endpoint, settings, info, stats, settings.query_timeout_s, settings.result_limit
    )
    data = graph.serialize(format=_RDFLIB[media_type])
    body = data.encode() if isinstance(data, str) else data
    return Response(body, media_type=media_type_header(media_type), headers=v.headers())
