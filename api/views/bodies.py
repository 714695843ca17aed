"""Bodies: the list with filters and paging, and one body with everything around it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rdflib import URIRef

from ..problems import Problem
from ..queries import load
from .base import (
    CSP,
    DATES,
    MATERIALISED,
    PageRequest,
    ViewContext,
    collection,
    date_literal,
    drop,
    text_literal,
)
from .shape import date_text, first_ref_name, sort_key_name

SUMMARY = frozenset({"name", "altNames", "identifiers", "area", "partOf", *DATES})

ORG, DCT = "http://www.w3.org/ns/org#", "http://purl.org/dc/terms/"
# The property that points at the body (body_related.rq) → the view's key for what points.
_RELATIONS = {
    ORG + "organization": "members",
    ORG + "member": "memberships",
    ORG + "postIn": "posts",
    CSP + "meetingOf": "meetings",
    ORG + "subOrganizationOf": "subOrganizations",
    DCT + "replaces": "replacedBy",
    CSP + "about": "concerns",
}
# For each relation: the key that points back at the body (left out).
_BACK = {
    "members": "organization",
    "memberships": "member",
    "posts": "postIn",
    "meetings": "meetingOf",
    "subOrganizations": "partOf",
    "replacedBy": "replaces",
    "concerns": None,
}


def body_class(ctx: ViewContext, name: str | None) -> URIRef | None:
    """The ontology class a ?type filter names; 400 with the choices when it is not a body class."""
    if not name:
        return None
    iri = CSP + name
    if iri not in ctx.vocab.superclasses or not ctx.vocab.is_a(iri, CSP + "Body"):
        choices = ", ".join(c[len(CSP) :] for c in ctx.vocab.subclasses(CSP + "Body"))
        raise Problem(
            400,
            "invalid-parameter",
            f"type: '{name}' is not a body class; one of: {choices}",
            errors=[{"parameter": "type", "in": "query", "rule": "unknown body class"}],
        )
    return URIRef(iri)


def summaries(ctx: ViewContext, iris: list[str]) -> list[dict]:
    """Body summaries (names, identifiers, area, dates, parent) in the given order."""
    nodes = ctx.describe(iris, only=SUMMARY)
    return [nodes.get(i, {"id": i}) for i in iris]


def list_bodies(
    ctx: ViewContext,
    *,
    type_: str | None,
    q: str | None,
    area: str | None,
    as_at: date | None,
    page: PageRequest,
    self_url: str,
    page_url: Callable[[int], str],
) -> dict:
    bindings = {
        "type": body_class(ctx, type_),
        "q": text_literal(q),
        "area": text_literal(area),
        "asAt": date_literal(as_at),
    }
    query = load("bodies_list")
    total = ctx.store.count(query, bindings)
    rows = ctx.store.select(query, bindings, limit=page.size, offset=page.offset)
    items = summaries(ctx, [str(r["body"]) for r in rows])
    extra = {"asAt": as_at.isoformat()} if as_at else {}
    return collection(self_url, page_url, items, total, page, **extra)


BODY_CSV = [
    ("id", lambda b: b["id"]),
    ("name", lambda b: first_ref_name(b.get("name"))),
    ("type", lambda b: " ".join(b.get("type", []))),
    ("area", lambda b: first_ref_name(b.get("area"))),
    ("start", lambda b: date_text(b, "startDate", "startNotBefore")),
    ("end", lambda b: date_text(b, "endDate", "endNotAfter")),
    ("part_of", lambda b: (b.get("partOf") or {}).get("id", "") if isinstance(b.get("partOf"), dict) else ""),
    ("identifiers", lambda b: " ".join(str(i) for i in b.get("identifiers", []))),
]


def body_detail(ctx: ViewContext, key: str, *, as_at: date | None) -> dict:
    """One body: its details, identifiers, parent and sub-organisations, members, memberships,
    posts and holders, meetings, concerns and sources (its performance observations are a list
    of their own, linked as `performance`)."""
    iri = str(ctx.uri("body", key))
    rows = ctx.store.select(load("body_related"), {"body": URIRef(iri), "asAt": date_literal(as_at)})
    related: dict[str, list[str]] = {}
    for row in rows:
        related.setdefault(_RELATIONS[str(row["p"])], []).append(str(row["node"]))
    # the body and everything around it in one describe: two store queries, not four
    nodes = ctx.describe([iri, *(n for ns in related.values() for n in ns)], omit=MATERIALISED)
    node = nodes.get(iri)
    if node is None or not any(ctx.vocab.is_a(CSP + t, CSP + "Body") for t in node.get("type", [])):
        raise Problem(404, "not-found", f"no body has the id '{key}'")
    out = dict(node)
    if as_at:
        out["asAt"] = as_at.isoformat()
    out["accountability"] = ctx.link(f"/bodies/{key}/accountability")
    out["performance"] = ctx.link(f"/observations?area={key}")
    for rel in ("subOrganizations", "replacedBy", "members", "memberships", "posts", "meetings", "concerns"):
        back = _BACK[rel]
        items = [drop(nodes[n], back) if back else nodes[n] for n in related.get(rel, []) if n in nodes]
        out[rel] = sorted(
            items, key=_SORTS.get(rel, sort_key_name), reverse=rel == "meetings"
        )  # latest first
    return out


def _by_party(key: str) -> Callable[[dict], tuple]:
    return lambda n: (
        first_ref_name(n.get(key)).lower(),
        date_text(n, "startDate", "startNotBefore"),
        n["id"],
    )


_SORTS: dict[str, Callable[[dict], tuple]] = {
    "members": _by_party("member"),
    "memberships": _by_party("organization"),
    "posts": lambda n: (date_text(n, "startDate", "startNotBefore"), sort_key_name(n)),
    "meetings": lambda n: (date_text(n, "date", "dateNotBefore"), n["id"]),
    "concerns": lambda n: n["id"],
}
