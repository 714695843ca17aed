"""Sources and the facts each contributed (the statements of its named graph)."""

from __future__ import annotations

from collections.abc import Callable

from rdflib import URIRef

from ..queries import load
from ..services.description import count
from .base import PageRequest, ViewContext, collection
from .shape import date_text, first_ref_name, sort_key_name

KINDS = "https://w3id.org/cspkg/def#DocumentKinds"


def list_sources(
    ctx: ViewContext,
    *,
    kind: str | None,
    publisher: str | None,
    page: PageRequest,
    self_url: str,
    page_url: Callable[[int], str],
) -> dict:
    bindings = {
        "kind": ctx.concept(KINDS, "kind", kind, "document kind"),
        "publisher": ctx.uri("body", publisher) if publisher else None,
    }
    items, total = ctx.page_of(load("sources_list"), bindings, "source", page)
    return collection(self_url, page_url, items, total, page)


def source_detail(ctx: ViewContext, key: str) -> dict:
    """One source: its metadata, its named graph, counts by class and every fact it states."""
    iri, node = ctx.node_of("source", key, "SourceDocument")
    out = dict(node)
    graphs = ctx.store.select(load("source_graph"), {"source": URIRef(iri)})
    if not graphs:
        return out
    graph = graphs[0]["graph"]
    out["namedGraph"] = str(graph)
    if "factCount" in graphs[0]:
        out["factCount"] = count(graphs[0]["factCount"])
    counts = ctx.store.select(load("source_counts"), {"g": URIRef(str(graph))})
    out["factCounts"] = [
        {"type": "FactCount", "ofType": str(r["class"]).rsplit("#", 1)[-1], "count": count(r["count"])}
        for r in counts
    ]
    rows = ctx.store.select(load("describe_graph"), {"g": URIRef(str(graph))})
    said = ctx.shaper.nodes(rows, ctx.labels(r["o"] for r in rows))
    said.pop(iri, None)
    # n-ary facts derive from the source; bodies and people cite it as a source
    out["facts"] = sorted(
        (n for n in said.values() if "derivedFrom" in n), key=lambda n: (n.get("type", []), n["id"])
    )
    out["describes"] = sorted((n for n in said.values() if "derivedFrom" not in n), key=sort_key_name)
    return out


SOURCE_CSV = [
    ("id", lambda n: n["id"]),
    ("title", lambda n: first_ref_name(n.get("title"))),
    ("kind", lambda n: (n.get("documentKind") or {}).get("notation", "")),
    ("publisher", lambda n: (n.get("publisher") or {}).get("id", "")),
    ("date", lambda n: date_text(n, "date", "dateNotBefore")),
    ("page", lambda n: (n.get("page") or {}).get("id", "")),
]
