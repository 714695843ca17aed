"""The OpenAPI document, made to say what the server does (tests/test_api_openapi_fuzz.py keeps
the two agreeing with schemathesis).

FastAPI derives the document from the routes' signatures; what they cannot say is added here,
once, for every operation: errors are problem+json with the statuses the server really answers
(400 for invalid parameters, never FastAPI's 422; 404, 406, 503 on every view), redirects carry
no body, closed sets are enums (`format`, a body class `type`), days are ISO dates (an empty
value, as a browser's form sends it, means none), and the pages are HTML.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from graph_build.config import Settings
from graph_build.vocab import vocabulary

from .render import FORMAT_NAMES, HTML, RDF_OFFERS
from .views.meetings import DECISION_KINDS

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "required": ["type", "title", "status", "detail"],
}
PROBLEMS = {
    "400": "Invalid parameter (problem+json names it and the rule it breaks)",
    "404": "Nothing is published there, or a filter names an id that is not known",
    "406": "No representation in Accept / format is offered",
    "413": "The request body is larger than the server accepts",
    "503": "The store is unavailable (Retry-After), or the query was stopped",
}
SPARQL_PROBLEMS = {"403": "Updates, LOAD and SERVICE are refused", "415": "Unsupported body media type"}
SPARQL_PROBLEMS["429"] = "This client already runs as many queries as one client may (Retry-After)"
HTML_ONLY = {"/query"}
RDF_DOCUMENTS = {"/ontology", "/ontology/api", "/ontology/{slug}"}
DAY = {"type": "string", "format": "date", "description": "A day as YYYY-MM-DD"}


def install(app: FastAPI, settings: Settings) -> None:
    """Serve the corrected document at /openapi.json (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            app.openapi_schema = corrected(document, settings)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def corrected(document: dict[str, Any], settings: Settings) -> dict[str, Any]:
    document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    vocab = vocabulary(settings.ontology_dir)
    closed_sets = {  # (path, parameter) → the values the view takes (a code list, the body classes)
        ("/bodies", "type"): sorted(vocab.body_classes),
        ("/accountability/gaps", "type"): sorted(vocab.body_classes),
        ("/sources", "kind"): sorted(vocab.kinds),
        ("/posts", "role"): sorted(vocab.roles),
        ("/decisions", "kind"): list(DECISION_KINDS),
    }
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            _responses(path, method, operation)
            offered = set(operation["responses"].get("200", {}).get("content", {}))
            for parameter in operation.get("parameters", []):
                _parameter(path, parameter, closed_sets, offered)
            if path == "/sparql" and method == "post":  # the query is the body (form or sparql-query)
                operation["parameters"] = [
                    p for p in operation.get("parameters", []) if p.get("name") != "query"
                ]
    return document


def _responses(path: str, method: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    responses.pop("422", None)
    problems = {**PROBLEMS, **(SPARQL_PROBLEMS if path == "/sparql" else {})}
    if method != "post":
        problems.pop("413")
    for status, description in problems.items():
        answer = responses.setdefault(status, {"description": description})
        content = answer.setdefault("content", {})
        content["application/problem+json"] = {"schema": {"$ref": "#/components/schemas/Problem"}}
        content[HTML] = {"schema": {"type": "string"}}  # the same problem as a page, for browsers
    if "303" in responses:
        responses["303"].pop("content", None)
        responses["303"].setdefault("headers", {})["Location"] = {
            "schema": {"type": "string", "format": "uri"}
        }
    ok = responses.get("200")
    if ok is not None and path in HTML_ONLY:
        ok["content"] = {HTML: {"schema": {"type": "string"}}}
    elif ok is not None and path in RDF_DOCUMENTS:
        ok["content"] = {
            media_type: {"schema": {} if "json" in media_type else {"type": "string"}}
            for media_type in (*RDF_OFFERS, HTML)
        }


def _parameter(
    path: str, parameter: dict[str, Any], closed_sets: dict[tuple[str, str], list[str]], offered: set[str]
) -> None:
    """Closed sets as enums; an empty value (a form's empty field) means the parameter is not given."""
    name, schema = str(parameter.get("name")), parameter.get("schema", {})
    if parameter.get("in") != "query":
        return
    if name == "format" and path != "/sparql":
        names = sorted(n for n, media_type in FORMAT_NAMES.items() if not offered or media_type in offered)
        parameter["schema"] = {"type": "string", "enum": ["", *names]}
    elif (path, name) in closed_sets:
        parameter["schema"] = {"type": "string", "enum": closed_sets[path, name]}
    elif _is_day(schema):
        parameter["schema"] = {"anyOf": [DAY, {"type": "string", "maxLength": 0}]}


def _is_day(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    return any(option.get("format") == "date" for option in options)
