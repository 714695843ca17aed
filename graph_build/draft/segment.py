"""Extracted text → agenda items and paragraphs, each with the label a curator cites.

A paragraph is a line of the extracted text (the readers put each paragraph on one line).
Labels follow the curators' habits: `item 5` for an agenda item's paragraphs, `item 5(b)` for a
lettered or numbered point in it, `para 3` in a document without numbered items, and `header`
for what comes before the first item.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .extract import Extracted, extract

_NUMBER_ALONE = re.compile(r"^(?:Item\s+|Minute\s+)?(\d{1,3})\.?$", re.IGNORECASE)
_NUMBERED_HEADING = re.compile(
    r"^(?:(?:Agenda\s+)?Item\s+|Minute\s+(?:No\.?\s*)?)?(\d{1,3}(?:\.\d{1,2})?|[A-Z]{1,6}\s?\d{1,3}/\d{2,4})[.:)]?\s+(\S.*)$",
    re.IGNORECASE,
)
_POINT_ALONE = re.compile(r"^\(([a-z]{1,2}|[ivx]{1,5}|\d{1,2})\)$")
_POINT_INLINE = re.compile(r"^\(([a-z]{1,2}|[ivx]{1,5}|\d{1,2})\)\s+\S")
_MG_LINK_NOISE = re.compile(r"\s*(?:pdf icon\s*)?PDF \d+ KB\s*$", re.IGNORECASE)
_UNNUMBERED_ITEM = {"agenda item", "item"}


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    text: str
    label: str
    item: int | None  # index into Document.items


@dataclass(frozen=True)
class AgendaItem:
    number: str | None
    title: str
    start: int  # the heading's start
    end: int  # where the next item starts (or the text ends)


@dataclass(frozen=True)
class Document:
    """An input's extracted text with its agenda items and labelled paragraphs."""

    source: Extracted
    paragraphs: tuple[Paragraph, ...]
    items: tuple[AgendaItem, ...]

    @property
    def text(self) -> str:
        return self.source.text

    @cached_property
    def _starts(self) -> list[int]:
        return [p.start for p in self.paragraphs]

    def paragraph_at(self, offset: int) -> Paragraph | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        return self.paragraphs[i] if i >= 0 else None

    def label_at(self, offset: int) -> str:
        para = self.paragraph_at(offset)
        return para.label if para else "header"

    def labels(self) -> list[tuple[str, int, int]]:
        """Every citable label with the span it covers (consecutive paragraphs of one label merged)."""
        out: list[tuple[str, int, int]] = []
        for p in self.paragraphs:
            if out and out[-1][0] == p.label:
                out[-1] = (p.label, out[-1][1], p.end)
            else:
                out.append((p.label, p.start, p.end))
        return out


def lines(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line:
            out.append((pos, pos + len(line), line))
        pos += len(line) + 1
    return out


def title_like(text: str, max_words: int = 16) -> bool:
    """A heading, not a sentence: short, starts with a capital or digit, no closing punctuation."""
    words = text.split()
    return (
        0 < len(words) <= max_words
        and (text[0].isupper() or text[0].isdigit() or text[0] in "\"'‘“")
        and not re.search(r"[.;,:]$", text)
        and not re.search(r"\b(?:that|was|were|had|would)\b", text)
    )


def _number_value(number: str) -> float | None:
    try:
        return float(number)
    except ValueError:
        return None


def _heading_at(
    rows: list[tuple[int, int, str]], i: int, last: float | None
) -> tuple[str | None, str, int] | None:
    """(number, title, lines used) when rows[i] opens an agenda item."""
    text = rows[i][2]
    nxt = rows[i + 1][2] if i + 1 < len(rows) else ""
    found: tuple[str | None, str, int] | None = None
    if text.lower().rstrip(":") in _UNNUMBERED_ITEM and nxt and title_like(_MG_LINK_NOISE.sub("", nxt), 30):
        return None, _MG_LINK_NOISE.sub("", nxt), 2
    if (m := _NUMBER_ALONE.match(text)) and nxt and title_like(_MG_LINK_NOISE.sub("", nxt), 30):
        found = (m.group(1), _MG_LINK_NOISE.sub("", nxt), 2)
    elif (m := _NUMBERED_HEADING.match(text)) and title_like(title := _MG_LINK_NOISE.sub("", m.group(2))):
        found = (m.group(1), title, 1)
    if found is None:
        return None
    value = _number_value(found[0] or "")
    if value is not None and last is not None and not last < value <= last + 30:
        return None  # numbers of a list inside an item, or a page number
    return found


def find_items(rows: list[tuple[int, int, str]]) -> list[tuple[int, str | None, str, int]]:
    """(row index, number, title, rows used) of each agenda item heading."""
    out: list[tuple[int, str | None, str, int]] = []
    last: float | None = None
    i = 0
    while i < len(rows):
        head = _heading_at(rows, i, last)
        if head is None:
            i += 1
            continue
        out.append((i, *head))
        last = _number_value(head[0] or "") if head[0] else last
        i += head[2]
    return out


def _point(text: str) -> str | None:
    m = _POINT_ALONE.match(text) or _POINT_INLINE.match(text)
    return m.group(1) if m else None


def _label(item: AgendaItem | None, point: str | None, para_no: int) -> str:
    if item is not None and item.number:
        return f"item {item.number}" + (f"({point})" if point else "")
    return f"para {para_no}"


def _paragraphs(rows: list[tuple[int, int, str]], heads: list, items: list[AgendaItem]) -> list[Paragraph]:
    starts = {h[0]: k for k, h in enumerate(heads)}
    heading_rows = {i + j for i, _, _, used in heads for j in range(used)}
    out: list[Paragraph] = []
    k: int | None = None
    para_no, pending = 0, None
    for r, (start, stop, text) in enumerate(rows):
        if r in starts:
            k, pending = starts[r], None
        item = items[k] if k is not None else None
        if r in heading_rows:
            label = f"item {item.number}" if item and item.number else "heading"
        elif heads and k is None:
            label = "header"
        else:
            if alone := _POINT_ALONE.match(text):
                point = pending = alone.group(1)
            else:
                para_no += 1
                point, pending = _point(text) or pending, None
            label = _label(item, point, para_no)
        out.append(Paragraph(start, stop, text, label, k))
    return out


def segment(extracted: Extracted) -> Document:
    rows = lines(extracted.text)
    heads = find_items(rows)
    end = len(extracted.text)
    items = [
        AgendaItem(number, title, rows[i][0], rows[heads[k + 1][0]][0] if k + 1 < len(heads) else end)
        for k, (i, number, title, _) in enumerate(heads)
    ]
    return Document(extracted, tuple(_paragraphs(rows, heads, items)), tuple(items))


def extract_document(path: Path) -> Document:
    """The reproducible text of an input file with its items and citable labels (what spans index)."""
    return segment(extract(path))
