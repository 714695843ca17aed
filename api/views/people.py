"""People and posts over time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rdflib import URIRef

from ..queries import load
from .base import CSP, MATERIALISED, PageRequest, ViewContext, collection, date_literal, drop, text_literal
from .shape import date_text, first_ref_name

ROLES = "https://w3id.org/cspkg/def#Roles"


def list_people(
    ctx: ViewContext, *, q: str | None, page: PageRequest, self_url: str, page_url: Callable[[int], str]
) -> dict:
    items, total = ctx.page_of(load("people_list"), {"q": text_literal(q)}, "person", page, only={"name"})
    return collection(self_url, page_url, items, total, page)


_RELATIONS = {
    "http://www.w3.org/ns/org#heldBy": "postsHeld",
    "http://www.w3.org/ns/org#member": "memberships",
    CSP + "attendee": "attended",
    CSP + "raisedBy": "concernsRaised",
}
_BACK = {"postsHeld": "heldBy", "memberships": "member", "attended": None, "concernsRaised": "raisedBy"}


def person_detail(ctx: ViewContext, key: str, *, as_at: date | None) -> dict:
    """One person: posts held over time, memberships, meetings attended, concerns raised."""
    iri, node = ctx.node_of("person", key, "Person", omit=MATERIALISED)
    rows = ctx.store.select(load("person_related"), {"person": URIRef(iri), "asAt": date_literal(as_at)})
    related: dict[str, list[str]] = {}
    for row in rows:
        related.setdefault(_RELATIONS[str(row["p"])], []).append(str(row["node"]))
    nodes = ctx.describe([n for ns in related.values() for n in ns], omit=MATERIALISED | {"items"})
    out = dict(node)
    if as_at:
        out["asAt"] = as_at.isoformat()
    for rel, back in _BACK.items():
        items = [
            drop(nodes[n], back) if back else drop(nodes[n], "attendees")
            for n in related.get(rel, [])
            if n in nodes
        ]
        out[rel] = sorted(
            items,
            key=lambda n: (date_text(n, "startDate", "startNotBefore", "date", "dateNotBefore"), n["id"]),
        )
    return out


def list_posts(
    ctx: ViewContext,
    *,
    body: str | None,
    role: str | None,
    holder: str | None,
    as_at: date | None,
    page: PageRequest,
    self_url: str,
    page_url: Callable[[int], str],
) -> dict:
    """Posts (tenures) over time, by body name then start: body, title, role, holder, dates, interim."""
    bindings = {
        "body": ctx.uri("body", body) if body else None,
        "role": ctx.concept(ROLES, "role", role, "role"),
        "holder": ctx.uri("person", holder) if holder else None,
        "asAt": date_literal(as_at),
    }
    rows = ctx.store.select(load("posts_list"), bindings)
    names = ctx.labels(r["body"] for r in rows)
    rows.sort(
        key=lambda r: (
            str(names.get(str(r["body"]), (None, None))[0] or "").lower(),
            str(r["body"]),
            str(r.get("start", "")),
            str(r["post"]),
        )
    )
    iris = [str(r["post"]) for r in rows[page.offset : page.offset + page.size]]
    nodes = ctx.describe(iris)
    extra = {"asAt": as_at.isoformat()} if as_at else {}
    return collection(self_url, page_url, [nodes.get(i, {"id": i}) for i in iris], len(rows), page, **extra)


def post_detail(ctx: ViewContext, key: str) -> dict:
    return ctx.node_of("post", key, "Post")[1]


PERSON_CSV = [("id", lambda n: n["id"]), ("name", lambda n: first_ref_name(n.get("name")))]
POST_CSV = [
    ("id", lambda n: n["id"]),
    ("title", lambda n: first_ref_name(n.get("name"))),
    ("body", lambda n: (n.get("postIn") or {}).get("id", "")),
    ("body_name", lambda n: (n.get("postIn") or {}).get("name", "")),
    ("role", lambda n: (n.get("role") or {}).get("notation", "")),
    ("holder", lambda n: (n.get("heldBy") or {}).get("id", "")),
    ("holder_name", lambda n: (n.get("heldBy") or {}).get("name", "")),
    ("start", lambda n: date_text(n, "startDate", "startNotBefore")),
    ("end", lambda n: date_text(n, "endDate", "endNotAfter")),
    ("interim", lambda n: "true" if n.get("interim") else ""),
]
