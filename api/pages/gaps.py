"""Gaps in accountability, in words: what a scrutiny officer should notice about one body
before a meeting, read from its accountability view (api/views/accountability.py)."""

from __future__ import annotations

from datetime import date

from ..views.accountability import STATUS, Rules
from ..views.shape import date_text
from ..views.vocab import Vocab
from .present import as_list, text


def ended_by(link: dict, day: str) -> str | None:
    """The link's end when it certainly ended on or before `day` (ISO), else None."""
    end = date_text(link, "endDate", "endNotAfter")
    return end if end and end <= day else None


def notes(doc: dict, rules: Rules, vocab: Vocab, today: date) -> list[str]:
    """Sentences naming the gaps: nobody holds the body to account (or nobody has since a date),
    its holders are only proposed or in question, links further up or down are in question."""
    name = text(doc["subject"])
    as_at = doc.get("asAt")
    when = f" as at {as_at}" if as_at else ""
    day = as_at or today.isoformat()
    own = [link for link in doc.get("upward", []) if link.get("depth") == 1]
    holding = [link for link in own if rules.holds(_id(link, "mechanism"), _id(link, "status"), vocab)]
    current = [link for link in holding if not ended_by(link, day)]
    out = []
    if not holding:
        out.append(f"No body on record holds {name} to account{when}.")
    elif not current:
        last = max(ended_by(link, day) or "" for link in holding)
        out.append(f"No body on record holds {name} to account since {last}: every link that did has ended.")
    for link in own:
        if not current and vocab.within(_id(link, "status") or "", STATUS + "proposed"):
            out.append(
                f"{text(link.get('holder'))} would hold it to account by {text(link.get('mechanism')).lower()}, "
                f"but that is only proposed ({_cited(link)})."
            )
    for link in doc.get("upward", []) + doc.get("downward", []):
        if vocab.within(_id(link, "status") or "", STATUS + "questioned"):
            out.append(
                f"Questioned: {text(link.get('holder'))} → {text(link.get('held'))} "
                f"({text(link.get('mechanism')).lower()}, {text(link.get('status')).lower()}; {_cited(link)})."
            )
    return out


def _id(link: dict, key: str) -> str | None:
    value = link.get(key)
    return value.get("id") if isinstance(value, dict) else None


def _cited(link: dict) -> str:
    sources = as_list(link.get("derivedFrom"))
    where = text(link.get("citation"))
    title = text(sources[0].get("title")) if sources else ""
    return ", ".join(part for part in (title, where) if part) or "no source named"
