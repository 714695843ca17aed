"""A document's recognised facts → a draft fact file (the data/minutes format plus `draft:` keys).

Every entry carries `draft: {span: [start, end], confidence: c}` (offsets into the extracted
text), bodies `candidates` when unsure and `new: true` when not on record; the top-level
`draft:` block says which input and extractor the spans belong to.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from .bodies import Mention, Place, Resolver, find_mentions, find_place, local_body, word_spans
from .dates import meeting_date_score, parse_dates
from .gazetteer import COUNCIL_TYPES, Gazetteer, slug
from .segment import Document

MEETING_TYPES = {
    "CommunitySafetyPartnership", "CSPStrategyGroup", "ThematicGroup", "PartnershipGroup", "CouncilCabinet",
    "CouncilCommittee", "ScrutinyCommittee", "CrimeAndDisorderCommittee", "JointCrimeAndDisorderCommittee",
    "PoliceAndCrimePanel", "PoliceFireAndCrimePanel", "CombinedAuthorityPoliceAndCrimePanel",
    "HealthAndWellbeingBoard", "LocalCriminalJusticeBoard", "SafeguardingAdultsBoard", "LondonAssembly",
    "SafeguardingChildrenPartnership", "LocalSafeguardingChildrenBoard", "PublicServicesBoard",
}  # fmt: skip


def span(start: int, end: int, confidence: float, **extra: Any) -> dict:
    return {"span": [start, end], "confidence": round(confidence, 2), **extra}


@dataclass
class Context:
    """What the recognisers share while drafting one document."""

    doc: Document
    gaz: Gazetteer
    place: Place
    resolver: Resolver
    header_end: int
    mentions: list[Mention] = field(default_factory=list)
    meeting_body: str | None = None
    meeting_date: str | None = None
    meeting_title: str | None = None
    publisher: str | None = None
    used_ids: set[str] = field(default_factory=set)

    @property
    def text(self) -> str:
        return self.doc.text

    def cite(self, offset: int) -> str:
        return self.doc.label_at(offset)

    def fresh_id(self, base: str) -> str:
        """An id no file declares and this draft has not used yet."""
        candidate, n = slug(base)[:110].strip("-"), 2
        while candidate in self.gaz.taken_ids or candidate in self.used_ids:
            candidate, n = f"{slug(base)[:106].strip('-')}-{n}", n + 1
        self.used_ids.add(candidate)
        return candidate

    def type_of(self, mention: Mention) -> str | None:
        known = self.gaz.bodies.get(mention.ids[0])
        return mention.new_type or (known.type if known else None)

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if start <= m.start and m.end <= end]


def header_end(doc: Document) -> int:
    if doc.items:
        return doc.items[0].start
    return min(len(doc.text), max(400, len(doc.text) // 12))


def new_context(doc: Document, gaz: Gazetteer, url: str | None = None) -> Context:
    end = header_end(doc)
    place = find_place(
        gaz, word_spans(doc.text), end, url or doc.source.structured.get("url"), doc.source.title
    )
    return Context(doc, gaz, place, Resolver(gaz, place), end)


def _committee_mention(ctx: Context) -> Mention | None:
    """The body meeting: the committee a GetMeeting answer names, else the first meeting body in the header."""
    committee = ctx.doc.source.structured.get("committee")
    if committee:
        found = [
            m for m in find_mentions(ctx.text[: len(committee) + 1], ctx.resolver) if m.end <= len(committee)
        ]
        whole = [m for m in found if m.start == 0 and m.end >= len(committee) - 1]
        return (whole or found)[0] if whole or found else None
    header = find_mentions(ctx.text[: ctx.header_end], ctx.resolver)
    meeting_like = [m for m in header if ctx.type_of(m) in MEETING_TYPES and m.generic != "self"]
    return meeting_like[0] if meeting_like else None


_AS_CDC = re.compile(
    r"\bas (?:the|its) (?:council's )?crime and disorder (?:scrutiny )?committee\b", re.IGNORECASE
)


def _as_crime_and_disorder_committee(ctx: Context, mention: Mention | None) -> Mention | None:
    """A committee that says it sits as the council's crime and disorder committee is that body."""
    found = _AS_CDC.search(ctx.text)
    council = ctx.gaz.bodies.get((local_body(ctx.gaz, ctx.place, "council", None)[0] or [""])[0])
    if not found or council is None:
        return None
    cdc = [
        b
        for b, k in ctx.gaz.bodies.items()
        if k.part_of == council.id and k.type == "CrimeAndDisorderCommittee"
    ]
    if not cdc:
        return None
    others = [mention.ids[0]] if mention else []
    return Mention(found.start(), found.end(), mention.surface if mention else "", [cdc[0], *others], 0.6)


def choose_meeting_body(ctx: Context) -> tuple[str | None, Mention | None]:
    mention = _committee_mention(ctx)
    mention = _as_crime_and_disorder_committee(ctx, mention) or mention
    if mention is not None:
        return mention.ids[0], mention
    words = Counter(w for w in ("Panel", "Committee", "Board") if f"the {w}" in ctx.text)
    if words and ctx.place.name:
        word = words.most_common(1)[0][0]
        at = ctx.text.find(f"the {word}") + 4
        name = f"{ctx.place.name} {'Scrutiny ' if word == 'Panel' else ''}{word}"
        kind = (
            "ScrutinyCommittee"
            if word == "Panel"
            else ("PartnershipGroup" if word == "Board" else "CouncilCommittee")
        )
        return slug(name), Mention(at, at + len(word), word, [slug(name)], 0.3, kind)
    return None, None


def choose_meeting_date(ctx: Context) -> tuple[str | None, tuple[int, int] | None, float]:
    structured = ctx.doc.source.structured.get("date")
    found = parse_dates(ctx.text)
    scored = []
    for f in found:
        item = ctx.doc.paragraph_at(f.start)
        title = ctx.doc.items[item.item].title if item and item.item is not None else None
        score = meeting_date_score(ctx.text, f, ctx.header_end, title)
        if structured and ctx.text[f.start : f.end] == structured:
            score += 10
        scored.append((score, -f.start, f))
    good = [s for s in scored if s[0] >= 3]
    if not good:
        return None, None, 0.0
    score, _, best = max(good)
    return best.iso, (best.start, best.end), min(0.95, 0.4 + 0.1 * score)


def publisher(ctx: Context) -> str | None:
    """The council whose page it is: named in the page's title, else the meeting body's, else the local one."""
    title = ctx.doc.source.title or ""
    named = [
        m for m in find_mentions(title, ctx.resolver) if ctx.type_of(m) in COUNCIL_TYPES and not m.new_type
    ]
    if named:
        return named[-1].ids[0]
    known = ctx.gaz.bodies.get(ctx.meeting_body or "")
    if known and known.part_of and ctx.gaz.bodies.get(known.part_of):
        return known.part_of
    councils, _ = local_body(ctx.gaz, ctx.place, "council", None)
    return councils[0] if councils else None


def draft_block(ctx: Context, input_path: str) -> dict:
    source = ctx.doc.source
    return {
        "input": input_path,
        "extractor": source.extractor,
        "text_sha256": source.sha256,
        "generated_by": f"cspkg draft {__version__}",
    }


def body_entries(ctx: Context, extra: list[Mention]) -> list[dict]:
    """One entry per body: the first mention's span, the names used, candidates, new ones typed."""
    by_id: dict[str, list[Mention]] = {}
    for m in [*extra, *ctx.mentions]:
        by_id.setdefault(m.ids[0], []).append(m)
    out = []
    for body_id, mentions in by_id.items():
        first = min(mentions, key=lambda m: m.start)
        best = max(mentions, key=lambda m: m.confidence)
        entry: dict[str, Any] = {"id": body_id}
        known = ctx.gaz.bodies.get(body_id)
        names = sorted({m.surface for m in mentions if m.surface and any(c.isupper() for c in m.surface)})
        if known is None:
            new_type = next((m.new_type for m in mentions if m.new_type), "Organisation")
            entry["type"] = new_type
            entry["name"] = next(
                (m.surface for m in mentions if m.new_type and m.surface), names[0] if names else body_id
            )
        known_names = {known.name, *known.alt_names} if known else {entry.get("name")}
        alt = [
            n
            for n in names
            if n not in known_names
            and not n.isupper()
            or (n.isupper() and len(n) <= 6 and n not in known_names)
        ]
        if alt:
            entry["alt_names"] = alt
        entry["cite"] = ctx.cite(first.start)
        extra_keys: dict[str, Any] = {}
        candidates = sorted({i for m in mentions for i in m.ids[1:]} - {body_id})
        if candidates:
            extra_keys["candidates"] = candidates
        if known is None:
            extra_keys["new"] = True
        entry["draft"] = span(first.start, first.end, best.confidence, **extra_keys)
        out.append(entry)
    return out
