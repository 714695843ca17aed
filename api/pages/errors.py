"""Errors as pages for people: a browser that prefers HTML gets the problem in words, with a
search box and ways on, under the same status code; every other client keeps problem+json.

api/problems.py asks `problem_page` first (the services' problem_page, api/state.py); None means
"answer problem+json", so a page that cannot be drawn never hides the error itself.
"""

from __future__ import annotations

import logging

from fastapi import Request
from fastapi.responses import Response

from ..negotiation import best
from ..problems import PROBLEM_JSON, Problem
from ..render import FORMAT_NAMES, HTML, TEMPLATES

log = logging.getLogger("cspkg.api")

# What each kind of problem means to a reader, and what to do next.
HEADINGS = {
    "not-found": (
        "Not found",
        (
            "The address may be mistyped, or what it named may have another id. "
            "Search for it by name, ONS code or force id."
        ),
    ),
    "invalid-parameter": (
        "Part of the address is not understood",
        "Dates are written YYYY-MM-DD (2016-01-29), and page numbers and steps are whole numbers from 1.",
    ),
    "not-acceptable": ("Not available in that format", "Open the page without a format to read it here."),
    "method-not-allowed": ("Only reading is allowed", "The pages and the API can be read, not changed."),
    "store-unavailable": ("The data cannot be reached just now", "Try again in a minute."),
    "store-timeout": (
        "That took too long to answer",
        "Ask for less: fewer steps, a date, or a smaller page.",
    ),
    "malformed-query": ("The query could not be read", "The query page shows where the query goes wrong."),
    "internal-error": ("Something went wrong here", "Try again; the failure has been logged."),
}
PARAMETERS = {
    "as_at": "The as-at date",
    "page": "The page number",
    "per_page": "The number per page",
    "depth": "The number of steps",
    "format": "The format",
    "q": "The search text",
    "query": "The query",
}


def wants_html(request: Request) -> bool:
    """True when the client asked for HTML: ?format=html, or Accept prefers it to problem+json."""
    named = FORMAT_NAMES.get(request.query_params.get("format", "").lower())
    if named:
        return named == HTML
    return best(request.headers.get("accept"), (PROBLEM_JSON, HTML)) == HTML


def problem_page(request: Request, problem: Problem, headers: dict[str, str]) -> Response | None:
    """The problem as a page, or None when the client wants problem+json (or the page fails)."""
    if not wants_html(request):
        return None
    heading, advice = HEADINGS.get(problem.kind, (problem.title, ""))
    context = {
        "title": heading,
        "problem": problem,
        "advice": advice,
        "wrong": wrong_parameters(request, problem),
        "search": search_text(request, problem),
        "retry": retry_link(request, problem),
    }
    try:
        return TEMPLATES.TemplateResponse(
            request, "error.html", context, status_code=problem.status, headers={**headers, "Vary": "Accept"}
        )
    except Exception:  # the problem itself still reaches the client, as problem+json
        log.exception("the error page for %s failed", request.url.path)
        return None


def wrong_parameters(request: Request, problem: Problem) -> list[str]:
    """Each rejected query parameter in a sentence: 'The page number (page=0): should be ...'."""
    sentences = []
    for error in problem.extra.get("errors", []):
        name = error.get("parameter")
        if error.get("in") != "query" or not name:
            continue
        value = request.query_params.get(name, "")
        rule = str(error.get("rule") or "is not valid").removeprefix("Input ")
        sentences.append(f"{PARAMETERS.get(name, name)} ({name}={value or 'empty'}): {rule}.")
    return sentences


def search_text(request: Request, problem: Problem) -> str:
    """For a missing page, the words of its address's last part, to search for ('no such body')."""
    if problem.status != 404:
        return ""
    last = request.url.path.rstrip("/").rpartition("/")[2]
    return " ".join(last.replace("-", " ").replace("_", " ").split())


def retry_link(request: Request, problem: Problem) -> tuple[str, str] | None:
    """This page without the query parameters that were rejected (or the format not offered),
    and what the link leaves out in words ('the as-at date')."""
    names = [e.get("parameter") for e in problem.extra.get("errors", []) if e.get("in") == "query"]
    if problem.kind == "not-acceptable":
        names.append("format")
    names = list(dict.fromkeys(n for n in names if n and n in request.query_params))
    if not names:
        return None
    words = " and ".join(PARAMETERS.get(n, n).replace("The ", "the ", 1) for n in names)
    return str(request.url.remove_query_params(names)), words
