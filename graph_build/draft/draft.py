"""Draft one input file: extract → segment → recognise → resolve → compose the fact file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .bodies import OPCC, Mention, find_mentions, implied_bodies, joint_csps
from .checks import check_drafteable
from .compose import (
    Context,
    body_entries,
    choose_meeting_body,
    choose_meeting_date,
    draft_block,
    new_context,
    publisher,
    span,
)
from .decisions import decisions_in, item_decisions
from .gazetteer import Gazetteer, load_gazetteer, slug
from .people_facts import people_sections
from .recognise import fact_sections, initiatives, meeting_links
from .segment import Document, extract_document, title_like


def _source(ctx: Context, path: Path, url: str | None) -> dict:
    doc = ctx.doc
    title_line = next((p.text for p in doc.paragraphs if len(p.text.split()) > 1), path.stem)
    kind = "decision-record" if "decision" in (doc.source.title or title_line).lower() else "minutes"
    base = f"{ctx.meeting_body or slug(path.stem)}-{ctx.meeting_date or 'undated'}"
    source: dict[str, Any] = {
        "id": slug(base),
        "title": (doc.source.title or title_line)[:200],
        "kind": kind,
    }
    if ctx.publisher is not None:
        source["publisher"] = ctx.publisher
    if ctx.meeting_date:
        source["date"] = ctx.meeting_date
    url = url or doc.source.structured.get("url")
    if url:
        source["url"] = url
    source["local_copy"] = str(path)
    return source


def _publisher_entry(ctx: Context) -> dict:
    """The publishing council, named by the page's title or the place rather than in the text."""
    return {"id": ctx.publisher, "cite": "header", "draft": span(0, 0, 0.5, inferred="publisher")}


def _implied_entries(ctx: Context, bodies: list[dict], posts: list[dict]) -> list[dict]:
    """Bodies the draft implies without a mention of their own: the body of each post (a rank's
    force, a director's council), and the commissioner of a commissioner's office."""
    out: list[dict] = []
    listed = {b["id"] for b in bodies}
    for post in posts:
        if post["body"] not in listed and post["body"] in ctx.gaz.bodies:
            listed.add(post["body"])
            out.append(
                {"id": post["body"], "cite": post["cite"], "draft": {**post["draft"], "inferred": "post"}}
            )
    offices = [
        b for b in bodies if (b.get("type") or getattr(ctx.gaz.bodies.get(b["id"]), "type", None)) == OPCC
    ]
    for csp, mention in joint_csps(ctx.gaz, ctx.mentions, listed):  # each CSP a joint one stands for
        listed.add(csp)
        draft = span(mention.start, mention.end, 0.5, inferred="joint partnership")
        out.append({"id": csp, "cite": ctx.cite(mention.start), "draft": draft})
    for pcc in implied_bodies(ctx.gaz, ctx.place, listed, [b["id"] for b in offices]):
        draft = {**offices[0]["draft"], "inferred": "office"}
        draft.pop("new", None)
        draft.pop("candidates", None)
        out.append({"id": pcc, "cite": offices[0]["cite"], "draft": draft})
    return out


def _whole_document_item(ctx: Context) -> list[dict]:
    """A page of one item's minutes with no item number: its decisions in one item, titled by its heading."""
    decisions = decisions_in(ctx, list(ctx.doc.paragraphs))
    if not decisions:
        return []
    first = ctx.doc.paragraphs[0]
    title = next(
        (p.text for p in ctx.doc.paragraphs if title_like(p.text) and len(p.text.split()) > 2), first.text
    )
    return [
        {
            "title": title[:200],
            "cite": "heading",
            "decisions": decisions,
            "draft": span(first.start, len(ctx.text), 0.5),
        }
    ]


def _unitemised(ctx: Context) -> list[dict]:
    """Decisions before the first numbered item (a page whose item numbers were not kept): one item
    each, titled by the heading above it."""
    loose = [p for p in ctx.doc.paragraphs if p.item is None]
    out = []
    for decision in decisions_in(ctx, loose):
        at = decision["draft"]["span"][0]
        title = next(
            (
                p.text
                for p in reversed(loose)
                if p.start < at and title_like(p.text) and len(p.text.split()) > 1
            ),
            "Minutes",
        )
        out.append({"title": title[:200], "cite": decision["cite"], "decisions": [decision],
                    "draft": span(at, decision["draft"]["span"][1], 0.5)})  # fmt: skip
    return out


def _items(ctx: Context) -> list[dict]:
    if not ctx.doc.items:
        return _whole_document_item(ctx)
    out = _unitemised(ctx)
    for index, item in enumerate(ctx.doc.items):
        entry: dict[str, Any] = {}
        if item.number:
            entry["number"] = item.number
        entry["title"] = item.title
        entry["cite"] = f"item {item.number}" if item.number else ctx.cite(item.start)
        decisions = item_decisions(ctx, index)
        if decisions:
            entry["decisions"] = decisions
        entry["draft"] = span(item.start, item.end, 0.9 if item.number else 0.7)
        out.append(entry)
    return out


def _meeting(
    ctx: Context, attendees: list[str], date_span: tuple[int, int] | None, confidence: float
) -> dict:
    known = ctx.gaz.bodies.get(ctx.meeting_body or "")
    meeting: dict[str, Any] = {
        "id": ctx.fresh_id(f"{ctx.meeting_body}-{ctx.meeting_date or 'meeting'}"),
        "body": ctx.meeting_body,
        "title": ctx.doc.source.structured.get("committee")
        or (known.name if known else None)
        or ctx.meeting_title,
    }
    if ctx.meeting_date:
        meeting["date"] = ctx.meeting_date
    if attendees:
        meeting["attendees"] = attendees
    start, end = date_span or (0, 0)
    meeting["cite"] = ctx.cite(start) if date_span else "header"
    items = _items(ctx)
    if items:
        meeting["items"] = items
    meeting["draft"] = span(start, end, confidence)
    return meeting


def inside(mention: Mention, initiatives: list[dict]) -> bool:
    """A generic name ('Police') that is part of an initiative's name ('Police and Crime Plan')."""
    return any(
        i["draft"]["span"][0] <= mention.start and mention.end <= i["draft"]["span"][1] for i in initiatives
    )


def compose_draft(doc: Document, gaz: Gazetteer, input_path: str, url: str | None = None) -> dict:
    """The draft fact file (a mapping ready to write as YAML) of one segmented document."""
    ctx = new_context(doc, gaz, url)
    ctx.meeting_body, body_mention = choose_meeting_body(ctx)
    ctx.meeting_title = body_mention.surface if body_mention else None
    ctx.resolver.self_body = ctx.meeting_body
    ctx.meeting_date, date_span, date_confidence = choose_meeting_date(ctx)
    ctx.mentions = find_mentions(doc.text, ctx.resolver)
    ctx.publisher = publisher(ctx)
    named = initiatives(ctx)
    ctx.mentions = [m for m in ctx.mentions if not (m.generic and inside(m, named))]
    people, posts, memberships, attendees = people_sections(ctx)
    out: dict[str, Any] = {
        "draft": draft_block(ctx, input_path),
        "source": _source(ctx, Path(input_path), url),
    }
    out["bodies"] = body_entries(ctx, [body_mention] if body_mention else [])
    if ctx.publisher and ctx.publisher not in {b["id"] for b in out["bodies"]}:
        out["bodies"].append(_publisher_entry(ctx))
    out["bodies"] += _implied_entries(ctx, out["bodies"], posts)
    out["people"], out["posts"], out["memberships"] = people, posts, memberships
    out.update(fact_sections(ctx, named))
    out["links"] += meeting_links(ctx, posts, out["links"])
    out["initiatives"] = named
    if ctx.meeting_body:
        out["meetings"] = [_meeting(ctx, attendees, date_span, date_confidence)]
    return {k: v for k, v in out.items() if v}


def draft_file(path: Path, data_dir: Path, exclude: set[str] | None = None, url: str | None = None) -> dict:
    """Draft the facts of one input file (see `compose_draft`); DraftInputError when it cannot be."""
    doc = extract_document(path)
    check_drafteable(doc)
    return compose_draft(doc, load_gazetteer(data_dir, exclude), str(path), url)
