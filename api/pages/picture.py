"""The accountability picture: the links of an accountability view (api/views/accountability.py)
laid out as two trees around the body, holders above and held bodies below, so that every arrow
points down from the one who holds to the one held.

Each tree follows the view's walk: a body's holders (or held bodies) are its children, the links
between the same two bodies are one edge with one label per link, and a body the walk met
before is drawn again as a leaf rather than expanded twice. The geometry is computed here; the
SVG is written by templates/_picture.html.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import ClassVar

from ..views.vocab import Vocab
from .present import as_list, period, status_family, text

SLOT = 240  # horizontal room of one leaf
BOX_W, BOX_H = 210, 70
LINE_H = 15  # one text line inside a box
LABEL_H = 32  # one link's label: mechanism · status, then legal basis or citation
EDGE_ROOM = 44  # vertical room for the edge lines around the labels of one gap
MARGIN = 12
NAME_CHARS = 28  # characters of a name on one line of a box
LABEL_CHARS = 34
# A national body holds hundreds: past these many (next to the body, further away), the rest of
# a body's holders or held bodies are one box, and the table lists them.
MOST_CHILDREN = (8, 3)
SUMMARY_LABELS = 3  # kinds of link a summary box names; the rest are "other links"
MECHANISM = "https://w3id.org/cspkg/def/mechanism/"
# Co-operation and funding hold no one to account: they are drawn in a picture of their own.
SUPPORT = frozenset({MECHANISM + "co-operation", MECHANISM + "funding"})


@dataclass
class LinkLabel:
    """One accountability link, as it reads on its edge."""

    heading: str  # "Scrutiny · Statutory"
    detail: str  # legal basis (shortened) or the citation
    tooltip: str  # everything, for the <title>
    family: str  # statutory, agreed-locally, inferred, proposed, questioned, unknown
    source: str | None  # the first source that evidences the link
    links: int = 1  # how many links the label stands for
    sources: int = 1  # how many sources state it (one label for the same link in several)
    summary: bool = False  # counts links not drawn one by one
    x: float = 0
    y: float = 0


@dataclass
class Box:
    body: dict  # the body's reference (id, name)
    lines: list[str]
    subject: bool = False
    repeated: bool = False  # drawn elsewhere too; not expanded here
    summary: bool = False  # stands for many bodies
    x: float = 0
    y: float = 0


@dataclass
class Edge:
    points: list[tuple[float, float]]
    family: str
    labels: list[LinkLabel]


@dataclass
class Node:
    body: dict
    links: list[dict] = field(default_factory=list)  # the links to the parent
    children: list[Node] = field(default_factory=list)
    repeated: bool = False
    summary: bool = False  # stands for the children past MOST_CHILDREN

    def leaves(self) -> int:
        return max(1, sum(c.leaves() for c in self.children))


@dataclass
class Picture:
    width: float
    height: float
    boxes: list[Box]
    edges: list[Edge]
    hidden: int  # links of the view not drawn one by one (see drawn_links, MOST_CHILDREN)
    box_w: ClassVar[int] = BOX_W
    box_h: ClassVar[int] = BOX_H
    label_w: ClassVar[int] = SLOT - 16
    label_h: ClassVar[int] = LABEL_H - 3

    @property
    def empty(self) -> bool:
        return not self.edges


def drawn_links(links: list[dict], every: bool) -> list[dict]:
    """The links to draw: the body's own, and further away those the walk followed (co-operation
    and proposed links of the bodies above or below are many and hold no one to account)."""
    return [link for link in links if every or link.get("depth") == 1 or link.get("followed")]


def is_support(link: dict) -> bool:
    mechanism = link.get("mechanism")
    return isinstance(mechanism, dict) and mechanism.get("id") in SUPPORT


def part_of(doc: dict, part: str | None) -> dict:
    """The view with only the links of one picture: 'accountability' (every mechanism but
    co-operation and funding), 'support' (the body's own co-operation and funding), None (all)."""
    if part is None:
        return doc

    def keep(link: dict) -> bool:
        return is_support(link) and link.get("depth") == 1 if part == "support" else not is_support(link)

    return {
        **doc,
        "upward": [k for k in doc.get("upward", []) if keep(k)],
        "downward": [k for k in doc.get("downward", []) if keep(k)],
    }


def grow(subject: dict, links: list[dict], *, upward: bool) -> Node:
    """The tree of one side, breadth first as the view walked it."""
    near, far = ("held", "holder") if upward else ("holder", "held")
    groups: dict[str, dict[str, list[dict]]] = defaultdict(dict)
    refs: dict[str, dict] = {}
    for link in links:
        a, b = link.get(near) or {}, link.get(far) or {}
        if "id" in a and "id" in b:
            groups[a["id"]].setdefault(b["id"], []).append(link)
            refs.setdefault(b["id"], b)
    root = Node(subject)
    expanded = {subject["id"]}
    queue = deque([root])
    while queue:
        node = queue.popleft()
        found = sorted(
            groups.get(node.body["id"], {}).items(),
            key=lambda item: (not any(link.get("followed") for link in item[1]), text(refs[item[0]])),
        )
        most = MOST_CHILDREN[0] if node is root else MOST_CHILDREN[1]
        shown, rest = (found, []) if len(found) <= most else (found[: most - 1], found[most - 1 :])
        for other, group in shown:
            child = Node(refs[other], links=group, repeated=other in expanded)
            node.children.append(child)
            if not child.repeated:
                expanded.add(other)
                queue.append(child)
        if rest:
            node.children.append(
                Node(
                    {"id": "#links", "name": f"{len(rest)} more bodies, listed in the table"},
                    links=[link for _, group in rest for link in group],
                    summary=True,
                )
            )
    return root


def label_of(link: dict, vocab: Vocab) -> LinkLabel:
    mechanism, status = text(link.get("mechanism")) or "link", text(link.get("status")) or "status unknown"
    basis, citation = text(link.get("legalBasis")), text(link.get("citation"))
    detail = basis or (f"cited: {citation}" if citation else "")
    sources = as_list(link.get("derivedFrom"))
    when = period(link)
    tooltip = "; ".join(
        part
        for part in (
            f"{text(link.get('holder'))} → {text(link.get('held'))}",
            f"{mechanism}, {status}",
            basis,
            when,
            citation and f"cited: {citation}",
            sources and f"source: {text(sources[0].get('title')) or sources[0]['id']}",
        )
        if part
    )
    return LinkLabel(
        f"{mechanism} · {status}",
        shorten(detail, LABEL_CHARS),
        tooltip,
        status_family(link.get("status"), vocab),
        sources[0]["id"] if sources else None,
    )


def merged_labels(links: list[dict], vocab: Vocab) -> list[LinkLabel]:
    """One label per mechanism and status between two bodies, however many sources state it:
    its tooltip names every source, its detail says how many."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for link in links:
        groups[(text(link.get("mechanism")), text(link.get("status")))].append(link)
    out = []
    for group in groups.values():
        # the label of the link with a legal basis speaks for the group
        first = min(group, key=lambda link: not text(link.get("legalBasis")))
        label = label_of(first, vocab)
        sources = {s["id"] for link in group for s in as_list(link.get("derivedFrom")) if "id" in s}
        if len(group) > 1:
            label.sources = max(len(sources), 1)
            label.links = len(group)
            label.detail = shorten(f"{label.sources} sources · {label.detail}", LABEL_CHARS)
            label.tooltip = " | ".join(label_of(link, vocab).tooltip for link in group)
        out.append(label)
    return out


def shorten(value: str, chars: int) -> str:
    return value if len(value) <= chars else value[: chars - 1].rstrip() + "…"


def name_lines(body: dict) -> list[str]:
    lines = textwrap.wrap(text(body), NAME_CHARS) or [body.get("id", "")]
    return lines[:2] + ([shorten(" ".join(lines[2:]), NAME_CHARS)] if len(lines) > 2 else [])


def levels(root: Node) -> list[list[Node]]:
    """The nodes of a tree by level (level 0 is the root)."""
    out, current = [], [root]
    while current:
        out.append(current)
        current = [c for n in current for c in n.children]
    return out


def place_x(node: Node, left: float, xs: dict[int, float]) -> None:
    """Leaves side by side; a parent centred over its children."""
    xs[id(node)] = left + node.leaves() * SLOT / 2
    for child in node.children:
        place_x(child, left, xs)
        left += child.leaves() * SLOT


def label_count(node: Node) -> int:
    return min(len(node.links), SUMMARY_LABELS + 1) if node.summary else len(node.links)


def gap_height(level: list[Node]) -> float:
    return EDGE_ROOM + max((label_count(n) for n in level), default=0) * LABEL_H


def layout(doc: dict, vocab: Vocab, *, every: bool = False, part: str | None = None) -> Picture:
    """The picture of an accountability view document (or of one part of it, see part_of)."""
    doc = part_of(doc, part)
    subject = doc["subject"]
    up = grow(subject, drawn_links(doc.get("upward", []), every), upward=True)
    down = grow(subject, drawn_links(doc.get("downward", []), every), upward=False)
    xs: dict[int, float] = {}
    place_x(up, 0, xs)
    place_x(down, 0, xs)
    shift_up, shift_down = max(0.0, xs[id(down)] - xs[id(up)]), max(0.0, xs[id(up)] - xs[id(down)])
    width = max(up.leaves() * SLOT + shift_up, down.leaves() * SLOT + shift_down)
    up_levels, down_levels = levels(up), levels(down)
    # rows from the top: the highest holders, their labels, ... the body, ... the lowest held bodies
    y: float = MARGIN
    tops: dict[int, float] = {}
    label_tops: dict[int, float] = {}
    for level in reversed(up_levels[1:]):
        for n in level:
            tops[id(n)] = y
        y += BOX_H
        for n in level:
            label_tops[id(n)] = y + EDGE_ROOM / 2
        y += gap_height(level)
    tops[id(up)] = tops[id(down)] = y
    y += BOX_H
    for level in down_levels[1:]:
        for n in level:
            label_tops[id(n)] = y + EDGE_ROOM / 2
        y += gap_height(level)
        for n in level:
            tops[id(n)] = y
        y += BOX_H
    boxes, edges = [], []

    def x_of(node: Node, shift: float) -> float:
        return xs[id(node)] + shift

    root_x = x_of(up, shift_up)
    boxes.append(Box(subject, name_lines(subject), subject=True, x=root_x - BOX_W / 2, y=tops[id(up)]))
    for root, shift, upward in ((up, shift_up, True), (down, shift_down, False)):
        for level in levels(root)[1:]:
            for n in level:
                boxes.append(
                    Box(
                        n.body,
                        name_lines(n.body),
                        repeated=n.repeated,
                        summary=n.summary,
                        x=x_of(n, shift) - BOX_W / 2,
                        y=tops[id(n)],
                    )
                )
        for parent in [n for level in levels(root) for n in level]:
            for child in parent.children:
                edges.append(
                    edge(
                        parent,
                        child,
                        x_of(parent, shift),
                        x_of(child, shift),
                        tops,
                        label_tops,
                        upward,
                        vocab,
                    )
                )
    drawn = sum(label.links for e in edges for label in e.labels if not label.summary)
    total = len(doc.get("upward", [])) + len(doc.get("downward", []))
    return Picture(width + 2 * MARGIN, y + MARGIN, shift_boxes(boxes), shift_edges(edges), total - drawn)


def edge(
    parent: Node, child: Node, px: float, cx: float, tops: dict, label_tops: dict, upward: bool, vocab: Vocab
) -> Edge:
    """The edge from a child to its parent through the child's labels, pointing at the held body."""
    labels = summary_labels(child.links, vocab) if child.summary else merged_labels(child.links, vocab)
    top = label_tops[id(child)]
    for i, label in enumerate(labels):
        label.x, label.y = cx, top + i * LABEL_H
    bottom = top + len(labels) * LABEL_H
    if upward:  # the child holds the parent: from the child's bottom down to the parent's top
        points = [(cx, tops[id(child)] + BOX_H), (cx, bottom), (px, tops[id(parent)])]
    else:  # the parent holds the child: from the parent's bottom down to the child's top
        points = [(px, tops[id(parent)] + BOX_H), (cx, top - 4), (cx, tops[id(child)])]
    return Edge(points, strongest(labels), labels)


def summary_labels(links: list[dict], vocab: Vocab, most: int = SUMMARY_LABELS) -> list[LinkLabel]:
    """The links of a summary box, counted by mechanism and status (the commonest first)."""
    counts: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for link in links:
        counts[(text(link.get("mechanism")) or "link", text(link.get("status")) or "status unknown")].append(
            link
        )
    ranked = sorted(counts.items(), key=lambda kv: -len(kv[1]))
    out = [
        LinkLabel(
            f"{mechanism} · {status}",
            links_text(len(group)),
            f"{links_text(len(group))}: {mechanism}, {status}",
            status_family(group[0].get("status"), vocab),
            None,
            links=len(group),
            summary=True,
        )
        for (mechanism, status), group in ranked[:most]
    ]
    if len(ranked) > most:
        others = sum(len(group) for _, group in ranked[most:])
        out.append(
            LinkLabel(
                "other links",
                links_text(others),
                "other mechanisms and statuses",
                "unknown",
                None,
                links=others,
                summary=True,
            )
        )
    return out


def links_text(count: int) -> str:
    return f"{count} link" if count == 1 else f"{count} links"


_STRENGTH = ("statutory", "agreed-locally", "inferred", "questioned", "proposed", "unknown")


def strongest(labels: list[LinkLabel]) -> str:
    """The family an edge is drawn in: the firmest of its links (statutory first)."""
    return min((label.family for label in labels), key=_STRENGTH.index, default="unknown")


def shift_boxes(boxes: list[Box]) -> list[Box]:
    for box in boxes:
        box.x += MARGIN
    return boxes


def shift_edges(edges: list[Edge]) -> list[Edge]:
    for e in edges:
        e.points = [(x + MARGIN, y) for x, y in e.points]
        for label in e.labels:
            label.x += MARGIN
    return edges
