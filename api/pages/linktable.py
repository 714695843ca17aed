"""The accountability links as tables a reader can take in: a side with few links is one table;
a national body's hundreds are grouped by step and mechanism, each group counted and showing its
first rows, with the whole group a page at a time a click away (?group=down-2-funding&page=2).
The picture (picture.py) summarises in its own way; the CSV and JSON-LD keep every link."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from fastapi import Request

from .present import text

ONE_TABLE_UP_TO = 60  # a side with at most this many links is one table, every row shown
FIRST_ROWS = 5  # past that, each group shows its first rows ...
ROWS_PER_PAGE = 100  # ... and a chosen group is shown whole, a page at a time


@dataclass
class LinkGroup:
    key: str  # "down-2-funding": side, step, mechanism
    step: int
    mechanism: str
    links: list[dict]
    statuses: str = ""  # "348 statutory, 2 questioned"
    url: str = ""  # the group whole, on this page
    rows: list[dict] = field(default_factory=list)


@dataclass
class LinkTable:
    side: str  # "up" or "down"
    caption: str
    links: list[dict]
    groups: list[LinkGroup] = field(default_factory=list)  # empty: one table of every link
    chosen: LinkGroup | None = None
    pages: list[tuple[int, str]] = field(default_factory=list)  # the chosen group's pages and their URLs
    page: int = 1
    first: int = 0  # how many of the chosen group's links come before this page


def tables(request: Request, view: dict, name: str) -> list[LinkTable]:
    """The up and down tables of an accountability view, grouped where they are long."""
    sides = (
        ("up", view.get("upward") or [], f"Who holds {name} to account (up)"),
        ("down", view.get("downward") or [], f"Whom {name} holds to account (down)"),
    )
    return [table(request, side, links, caption) for side, links, caption in sides if links]


def table(request: Request, side: str, links: list[dict], caption: str) -> LinkTable:
    found = LinkTable(side, caption, links)
    if len(links) <= ONE_TABLE_UP_TO:
        return found
    found.groups = grouped(request, side, links)
    wanted = request.query_params.get("group")
    found.chosen = next((g for g in found.groups if g.key == wanted), None)
    if found.chosen:
        page_through(request, found)
    return found


def grouped(request: Request, side: str, links: list[dict]) -> list[LinkGroup]:
    """Links by step, then mechanism (the largest group first), in the view's order within a group."""
    by_key: dict[tuple[int, str], list[dict]] = {}
    for link in links:
        by_key.setdefault((int(link.get("depth") or 1), text(link.get("mechanism")) or "link"), []).append(
            link
        )
    groups = []
    for (step, mechanism), members in sorted(
        by_key.items(), key=lambda kv: (kv[0][0], -len(kv[1]), kv[0][1])
    ):
        key = f"{side}-{step}-{slug(mechanism)}"
        counts = Counter(text(link.get("status")) or "status unknown" for link in members)
        groups.append(
            LinkGroup(
                key,
                step,
                mechanism,
                members,
                rows=members[:FIRST_ROWS],
                statuses=", ".join(f"{n:,} {status.lower()}" for status, n in counts.most_common()),
                url=page_url(request, key, 1),
            )
        )
    return groups


def page_through(request: Request, found: LinkTable) -> None:
    """Show one page of the chosen group's rows."""
    group = found.chosen
    if group is None:
        return
    count = max(1, -(-len(group.links) // ROWS_PER_PAGE))
    try:
        found.page = min(max(int(request.query_params.get("page", "1")), 1), count)
    except ValueError:
        found.page = 1
    found.first = (found.page - 1) * ROWS_PER_PAGE
    group.rows = group.links[found.first : found.first + ROWS_PER_PAGE]
    found.pages = [(n, page_url(request, group.key, n)) for n in range(1, count + 1)] if count > 1 else []


def page_url(request: Request, key: str, page: int) -> str:
    url = request.url.remove_query_params(["group", "page"]).include_query_params(group=key)
    return str(url.include_query_params(page=page) if page > 1 else url) + "#links"


def slug(words: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in words.lower()).split()) or "link"
