"""Accountability: who holds a body to account and whom it holds, directly and transitively,
and the gaps (bodies nothing holds to account, links that sources call into question).

The walk: links_up.rq / links_down.rq give every link on a chain above / below the body (the
materialised csp:oversees path bounds them; the as-at filter is applied to the links
themselves). Depth 1 are the body's own links, of any mechanism and status. The walk goes on
only through the links the build materialises as csp:oversees — oversight mechanisms (not
co-operation) with a status in force or in question (not proposed, claimed or a mere statutory
power): the link is then `followed`. A link holds to account when it is followed and its status
is not questioned or narrower (claimed, derived).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import URIRef

from graph_build.namespaces import CSP as CSP_NS
from graph_build.vocab import vocabulary

from ..problems import Problem
from ..queries import load
from .base import CSP, PageRequest, ViewContext, collection, date_literal
from .bodies import SUMMARY, body_class, summaries
from .shape import date_text, sort_key_name
from .vocab import Vocab

STATUS = "https://w3id.org/cspkg/def/status/"


@dataclass(frozen=True)
class Rules:
    """Which links the walk follows and which hold to account: the build's own rules
    (graph_build.vocab), so that the views agree with the materialised csp:oversees."""

    oversight: frozenset[str]  # mechanisms materialised below csp:oversees (not co-operation)
    unmaterialised: frozenset[str]  # statuses of links not in force (proposed, claimed, statutory power)

    def followed(self, mechanism: object, status: object) -> bool:
        return str(mechanism) in self.oversight and str(status) not in self.unmaterialised

    def holds(self, mechanism: object, status: object, vocab: Vocab) -> bool:
        """Holds to account: followed, and not in question (questioned, claimed, derived ...)."""
        return self.followed(mechanism, status) and not vocab.within(str(status), STATUS + "questioned")


@lru_cache(maxsize=4)
def rules_for(ontology_dir: Path) -> Rules:
    v = vocabulary(ontology_dir)
    oversight = {
        str(m) for m, prop in v.materialised.items() if prop is not None and prop != CSP_NS.cooperatesWith
    }
    return Rules(frozenset(oversight), frozenset(str(s) for s in v.unmaterialised_statuses))


def walk(
    start: str, rows: list[dict], rules: Rules, *, upward: bool, max_depth: int | None
) -> list[tuple[str, int, bool]]:
    """(link, depth, followed) for every link reached from `start`, breadth first."""
    near, far = ("held", "holder") if upward else ("holder", "held")
    by_near: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_near[str(row[near])].append(row)
    reached: list[tuple[str, int, bool]] = []
    seen_links: set[str] = set()
    seen_bodies = {start}
    frontier, depth = [start], 1
    while frontier and (max_depth is None or depth <= max_depth):
        following = []
        for body in frontier:
            for row in sorted(by_near.get(body, []), key=lambda r: str(r["link"])):
                link = str(row["link"])
                if link in seen_links:
                    continue
                seen_links.add(link)
                followed = rules.followed(row.get("mechanism"), row.get("status"))
                reached.append((link, depth, followed))
                other = str(row[far])
                if followed and other not in seen_bodies:
                    seen_bodies.add(other)
                    following.append(other)
        frontier, depth = following, depth + 1
    return reached


def accountability(
    ctx: ViewContext, key: str, *, as_at: date | None, depth: int | None, self_url: str
) -> dict:
    iri = str(ctx.uri("body", key))
    subject = ctx.describe([iri], only=SUMMARY).get(iri)
    if subject is None or not any(ctx.vocab.is_a(CSP + t, CSP + "Body") for t in subject.get("type", [])):
        raise Problem(404, "not-found", f"no body has the id '{key}'")
    bindings = {"body": URIRef(iri), "asAt": date_literal(as_at)}
    rules = rules_for(ctx.ontology_dir)
    up = walk(iri, ctx.store.select(load("links_up"), bindings), rules, upward=True, max_depth=depth)
    down = walk(iri, ctx.store.select(load("links_down"), bindings), rules, upward=False, max_depth=depth)
    links = ctx.describe([link for link, _, _ in up + down])

    def annotate(found: list[tuple[str, int, bool]]) -> list[dict]:
        return [{**links[link], "depth": d, "followed": f} for link, d, f in found if link in links]

    upward, downward = annotate(up), annotate(down)
    held = any(
        n["depth"] == 1 and rules.holds(_ref_id(n.get("mechanism")), _ref_id(n.get("status")), ctx.vocab)
        for n in upward
    )
    doc: dict[str, Any] = {"id": self_url, "type": "AccountabilityView", "subject": subject}
    if as_at:
        doc["asAt"] = as_at.isoformat()
    doc.update({"heldToAccount": held, "upward": upward, "downward": downward})
    return doc


def _ref_id(value: object) -> str | None:
    return value.get("id") if isinstance(value, dict) else None


def gaps(
    ctx: ViewContext,
    *,
    as_at: date | None,
    type_: str | None,
    page: PageRequest,
    self_url: str,
    page_url: Callable[[int], str],
) -> dict:
    """Bodies nothing holds to account (paged), links in question and stated concerns, as at a
    date: today unless one is given (bodies that have ended are no gap)."""
    as_at = as_at or date.today()
    rules = rules_for(ctx.ontology_dir)
    held = {
        str(r["body"])
        for r in ctx.store.select(load("held_bodies"), {"asAt": date_literal(as_at)})
        if rules.holds(r["mechanism"], r["status"], ctx.vocab)
    }
    existing = ctx.store.select(
        load("bodies_list"), {"type": body_class(ctx, type_), "asAt": date_literal(as_at)}
    )
    unheld = [str(r["body"]) for r in existing if str(r["body"]) not in held]  # by name
    total = len(unheld)
    bodies = summaries(ctx, unheld[page.offset : page.offset + page.size])
    found = ctx.store.select(load("gaps_questioned"), {"asAt": date_literal(as_at)})
    nodes = ctx.describe(str(r["node"]) for r in found)
    questioned = [
        nodes[str(r["node"])] for r in found if str(r["kind"]) == "link" and str(r["node"]) in nodes
    ]
    concerns = [
        nodes[str(r["node"])] for r in found if str(r["kind"]) == "concern" and str(r["node"]) in nodes
    ]
    listing = collection(self_url, page_url, bodies, total, page)
    doc: dict[str, object] = {"id": self_url, "type": "GapReport", "asAt": as_at.isoformat()}
    doc.update(
        {
            "unaccountableTotal": total,
            "view": listing["view"],
            "unaccountableBodies": bodies,
            "questionedLinks": questioned,
            "statedConcerns": sorted(concerns, key=sort_key_name),
        }
    )
    return doc


LINK_CSV = [
    ("id", lambda n: n["id"]),
    ("depth", lambda n: n.get("depth", "")),
    ("holder", lambda n: (n.get("holder") or {}).get("id", "")),
    ("holder_name", lambda n: (n.get("holder") or {}).get("name", "")),
    ("held", lambda n: (n.get("held") or {}).get("id", "")),
    ("held_name", lambda n: (n.get("held") or {}).get("name", "")),
    ("mechanism", lambda n: (n.get("mechanism") or {}).get("notation", "")),
    ("status", lambda n: (n.get("status") or {}).get("notation", "")),
    ("legal_basis", lambda n: n.get("legalBasis", "")),
    ("start", lambda n: date_text(n, "startDate", "startNotBefore")),
    ("end", lambda n: date_text(n, "endDate", "endNotAfter")),
    ("citation", lambda n: "; ".join(str(c) for c in _listed(n.get("citation")))),
    ("sources", lambda n: " ".join(s.get("id", "") for s in _listed(n.get("derivedFrom")))),
    (
        "source_titles",
        lambda n: "; ".join(s.get("title", "") for s in _listed(n.get("derivedFrom")) if s.get("title")),
    ),
]


def _listed(value: object) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]
