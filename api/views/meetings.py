"""Meetings with their agenda items, decisions and recommendations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rdflib import URIRef

from ..problems import Problem
from ..queries import load
from .base import CSP, PageRequest, ViewContext, collection, date_literal
from .shape import date_text, first_ref_name

DECISION_KINDS = {
    "decision": "Decision",
    "resolution": "Resolution",
    "recommendation": "Recommendation",
    "delegation": "Delegation",
    "noting": "Noting",
}


def list_meetings(
    ctx: ViewContext,
    *,
    body: str | None,
    from_: date | None,
    to: date | None,
    page: PageRequest,
    self_url: str,
    page_url: Callable[[int], str],
) -> dict:
    bindings = {
        "body": ctx.uri("body", body) if body else None,
        "from": date_literal(from_),
        "to": date_literal(to),
    }
    items, total = ctx.page_of(load("meetings_list"), bindings, "meeting", page, omit={"items", "attendees"})
    return collection(self_url, page_url, items, total, page)


def _item_order(item: dict) -> tuple:
    number = str(item.get("itemNumber", ""))
    digits = "".join(c for c in number if c.isdigit())
    return (int(digits) if digits else 10**9, number, item["id"])


def meeting_detail(ctx: ViewContext, key: str) -> dict:
    """One meeting: body, date, attendees, items in order, each with its decisions."""
    iri, node = ctx.node_of("meeting", key, "Meeting")
    rows = ctx.store.select(load("meeting_related"), {"meeting": URIRef(iri)})
    nodes = ctx.describe(str(r["node"]) for r in rows)
    items = []
    refs = node.get("items", [])
    for ref in refs if isinstance(refs, list) else [refs]:
        item = nodes.get(ref["id"])
        if item is None:
            continue
        decisions = item.get("decisions", [])
        decisions = decisions if isinstance(decisions, list) else [decisions]
        item = dict(item)
        item["decisions"] = sorted((nodes.get(d["id"], d) for d in decisions), key=lambda d: d["id"])
        items.append(item)
    out = dict(node)
    out["items"] = sorted(items, key=_item_order)
    return out


def decision_class(ctx: ViewContext, kind: str | None) -> URIRef | None:
    if not kind:
        return None
    if kind not in DECISION_KINDS:
        raise Problem(
            400,
            "invalid-parameter",
            f"kind: '{kind}' is not one of {', '.join(DECISION_KINDS)}",
            errors=[{"parameter": "kind", "in": "query", "rule": "unknown decision kind"}],
        )
    return URIRef(CSP + DECISION_KINDS[kind])


def list_decisions(
    ctx: ViewContext,
    *,
    kind: str | None,
    party: str | None,
    page: PageRequest,
    self_url: str,
    page_url: Callable[[int], str],
) -> dict:
    """Decisions (and recommendations, delegations, notings), latest meeting first."""
    party_iri = None
    if party:
        kind_of_party = "person" if party.startswith("person/") else "body"
        party_iri = ctx.uri(kind_of_party, party.removeprefix("person/").removeprefix("body/"))
    bindings = {"kind": decision_class(ctx, kind), "party": party_iri}
    rows = ctx.store.select(load("decisions_list"), bindings)
    meetings = list(dict.fromkeys(r["meeting"] for r in rows))
    dates = (
        {
            str(r["meeting"]): str(r["date"])
            for r in ctx.store.select(load("meeting_dates"), {"meeting": meetings})
        }
        if meetings
        else {}
    )
    rows.sort(key=lambda r: str(r["decision"]))
    rows.sort(key=lambda r: dates.get(str(r["meeting"]), ""), reverse=True)  # latest meeting first, stable
    iris = [str(r["decision"]) for r in rows[page.offset : page.offset + page.size]]
    nodes = ctx.describe(iris)
    return collection(self_url, page_url, [nodes.get(i, {"id": i}) for i in iris], len(rows), page)


MEETING_CSV = [
    ("id", lambda n: n["id"]),
    ("title", lambda n: first_ref_name(n.get("name"))),
    ("body", lambda n: (n.get("meetingOf") or {}).get("id", "")),
    ("body_name", lambda n: (n.get("meetingOf") or {}).get("name", "")),
    ("date", lambda n: date_text(n, "date")),
    ("date_not_before", lambda n: date_text(n, "dateNotBefore")),
    ("date_not_after", lambda n: date_text(n, "dateNotAfter")),
]
DECISION_CSV = [
    ("id", lambda n: n["id"]),
    ("kind", lambda n: " ".join(n.get("type", []))),
    ("text", lambda n: first_ref_name(n.get("description"))),
    ("decided_by", lambda n: (n.get("decidedBy") or {}).get("id", "")),
    ("recommended_to", lambda n: (n.get("recommendedTo") or {}).get("id", "")),
    ("delegated_to", lambda n: (n.get("delegatedTo") or {}).get("id", "")),
    ("citation", lambda n: first_ref_name(n.get("citation"))),
]
