"""The local evidence about a body, gathered for its page: the meetings of the body, its board and
sub-groups, the decisions taken there, other bodies' meetings whose records speak of it (scrutiny),
concerns about its groups, and the sources other than national reference data that describe any of
them; and, in one sentence, what the graph knows ("statutory model only", "3 local sources, dated ...").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef

from ..queries import load
from ..views.base import ViewContext
from ..views.shape import date_text
from .present import day


@dataclass
class Evidence:
    meetings: list[dict] = field(default_factory=list)  # newest first, each with its "group"
    decisions: list[dict] = field(default_factory=list)
    elsewhere: list[dict] = field(default_factory=list)  # other bodies' meetings about it
    concerns: list[dict] = field(default_factory=list)  # about its groups
    sources: list[dict] = field(default_factory=list)  # local sources, oldest first

    def known(self) -> str:
        """What the graph knows, in one phrase."""
        if not self.sources:
            return "statutory model only: no minutes or local source describes it or its groups"
        dates = [day(s) or "undated" for s in self.sources]
        count = len(self.sources)
        return f"{count} local source{'s' if count != 1 else ''}, dated {', '.join(dates)}"


def newest_first(nodes: list[dict], key: str) -> list[dict]:
    return sorted(nodes, key=lambda n: (date_text(n, key, key + "NotBefore"), n["id"]), reverse=True)


def gather(ctx: ViewContext, body: str) -> Evidence:
    """The evidence about one body (IRI) and the groups under it."""
    rows = ctx.store.select(load("body_evidence"), {"body": URIRef(body)})
    found: dict[str, list[str]] = defaultdict(list)
    group_of: dict[str, str] = {}
    for row in rows:
        node = str(row["node"])
        if node not in found[str(row["kind"])]:
            found[str(row["kind"])].append(node)
        group_of.setdefault(node, str(row["group"]))
    nodes = ctx.describe([n for ns in found.values() for n in ns], omit={"items", "attendees"})
    groups = ctx.describe(set(group_of.values()), only={"name"})

    def of(kind: str) -> list[dict]:
        return [
            {**nodes[n], "group": groups.get(group_of[n], {"id": group_of[n]})}
            for n in found[kind]
            if n in nodes
        ]

    return Evidence(
        meetings=newest_first(of("meeting"), "date"),
        decisions=of("decision"),
        elsewhere=newest_first(of("elsewhere"), "date"),
        concerns=of("concern"),
        sources=sorted(of("source"), key=lambda s: (day(s), s["id"])),
    )
