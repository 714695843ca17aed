"""What a /sparql request contains, decided by a SPARQL 1.1 parser (rdflib's grammar), not a scan.

A read-only public endpoint runs queries only: no update operation (INSERT, LOAD, DROP ...) and
no federated query (SERVICE, in any form: an IRI, a variable, SILENT, inside OPTIONAL, EXISTS,
a subquery ...). The text is parsed as the grammar defines it (with \\u / \\U escapes decoded
first, as the specification says and the engine does), and the parse tree is searched for a
SERVICE pattern; so a keyword in a string, an IRI, a comment or a prefixed name is text, and an
escaped or oddly cased keyword is a keyword. What this parser cannot read is refused: for a
safety check a refusal is harmless, a misreading is not.

Parsing costs ~15 ms of CPU, against well under 1 ms for running a cheap lookup, so a text that
cannot hold any of the keywords at all is not parsed: every SERVICE or update operation spells
one of them, and the engine reads no keyword that is not in the text once escapes are decoded
(compared case-folded, so that no Unicode case trick can hide one). That decides nothing by
itself: a text holding the letters anywhere (`address` holds `add`) is parsed.

The check runs where the query runs (a query worker, api/pool.py), off the event loop; the
worker cannot open a network socket either way (api/sandbox.py).
"""

from __future__ import annotations

from collections import OrderedDict

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.parser import expandUnicodeEscapes, parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from graph_build.store.base import QueryError

# Every SERVICE pattern and every update operation holds one of these (case-folded) letter runs.
_KEYWORDS = ("service", "insert", "delete", "load", "clear", "drop", "create", "add", "move", "copy", "with")
_KEPT = 512  # verdicts kept per process: the same query again costs a lookup, not a parse
_verdicts: OrderedDict[str, None] = OrderedDict()


class QueryRefused(Exception):
    """The query is valid but not run here: `kind` is "update-refused" or "service-refused"."""

    def __init__(self, kind: str, detail: str):
        super().__init__(kind, detail)  # plain args, so that it pickles back to the parent
        self.kind = kind
        self.detail = detail

    def __str__(self) -> str:
        return self.detail


UPDATE_REFUSED = QueryRefused(
    "update-refused", "this endpoint is read-only: SPARQL Update (including LOAD) is not accepted"
)
SERVICE_REFUSED = QueryRefused(
    "service-refused",
    "federated queries (SERVICE) are not allowed: this endpoint answers from its own data only",
)


def check_query(text: str) -> None:
    """Raise QueryRefused for an update or a query using SERVICE, QueryError for what is not a
    SPARQL 1.1 query; return for a query this endpoint runs.

    >>> check_query("SELECT ?name WHERE { ?body skos:prefLabel ?name } LIMIT 10")
    >>> check_query("SELECT * WHERE { SERVICE <http://elsewhere.example/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    api.services.query_check.QueryRefused: federated queries (SERVICE) are not allowed: ...
    >>> check_query("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    Traceback (most recent call last):
    api.services.query_check.QueryRefused: this endpoint is read-only: SPARQL Update ...
    >>> check_query('SELECT ?s WHERE { ?s rdfs:comment "SERVICE <http://x.example/> {}" }')  # text, not a keyword
    """
    if text in _verdicts:
        _verdicts.move_to_end(text)
        return
    if not might_hold_keywords(text):
        return  # the engine parses it (its message for a malformed query), and finds no such keyword
    tree = _parse(text)
    if _uses_service(tree):
        raise SERVICE_REFUSED
    _verdicts[text] = None
    if len(_verdicts) > _KEPT:
        _verdicts.popitem(last=False)


def might_hold_keywords(text: str) -> bool:
    """Whether the text, escapes decoded and case-folded, holds a SERVICE or update keyword's letters."""
    try:
        folded = expandUnicodeEscapes(text).casefold()
    except ValueError:  # an escape that names no character: let the parser say so
        return True
    return any(word in folded for word in _KEYWORDS)


def syntax_error(text: str) -> QueryError | None:
    """This grammar's account of a query the engine could not read (None: it reads it, so the
    engine's own message stands). Every malformed query is reported by this one parser, so where
    and what is wrong do not depend on whether the check parsed the text before the engine did."""
    try:
        _parse(text)
    except QueryError as exc:
        return exc
    except QueryRefused:
        return None
    return None


def _parse(text: str) -> object:
    try:
        return parseQuery(text)
    except ParseBaseException as exc:
        problem = exc
    except RecursionError:
        raise QueryError("the query is nested too deeply to be read") from None
    try:
        update = parseUpdate(text)
    except (ParseBaseException, RecursionError):
        update = None
    if update is not None and "request" in update:  # an empty text is an update of nothing
        raise UPDATE_REFUSED
    raise QueryError(f"error at {problem.lineno}:{problem.col}: {problem.msg}")


def _uses_service(tree: object) -> bool:
    """Whether a SERVICE pattern is anywhere in the parse tree (walked without recursion)."""
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return True
            pending.extend(node.values())
        elif isinstance(node, (list, tuple, ParseResults)):
            pending.extend(node)
    return False
