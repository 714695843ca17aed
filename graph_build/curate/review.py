"""One document under review: the draft's facts as cards a curator accepts, edits or rejects.

A card is one entry of a fact section (a body, a link, a meeting with its items ...) with the
span of the extracted text it was drafted from. Every change is checked at once with the
one-document validation (`pipeline.validate_document`): the document the curator would save
(the source and the accepted cards), plus the card being changed. A change that breaks a rule
of that card is refused, and its problems are given by field; the card stays as it was.

Saving writes the accepted cards as a fact file in data/minutes/ (the format's key order, a
header saying where the facts come from; spans, confidences and the draft's text are left out)
and publishes it with the incremental build. It is refused when that file changed on disk since
the review opened (or last saved) it: someone else's work there is not overwritten, and the
review stays as it is. The last changes can be undone, one at a time.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import pipeline
from ..config import Settings
from ..draft import write_draft
from ..errors import BuildError, FactError, display_path
from ..facts.reader import parse_text, strip_draft
from ..progress import Reporter
from ..store import open_store
from ..store.base import BuildInfo

SECTIONS = (
    "bodies",
    "people",
    "posts",
    "memberships",
    "links",
    "meetings",
    "observations",
    "initiatives",
    "concerns",
)
KEY_ORDER = {  # the order docs/fact-format.md writes each kind's keys in
    "bodies": ("id", "type", "name", "alt_names", "part_of", "covers", "police_force_area", "start", "end"),
    "people": ("id", "name"),
    "posts": ("id", "title", "body", "role", "holder", "interim", "start", "end"),
    "memberships": ("member", "organisation", "role", "basis", "start", "end"),
    "links": ("holder", "held", "mechanism", "status", "legal_basis", "legislation", "start", "end"),
    "meetings": ("id", "body", "title", "date", "attendees", "items"),
    "observations": ("id", "indicator", "value", "unit", "period", "area", "comparison"),
    "initiatives": ("id", "type", "name", "lead", "partners", "description", "start", "end"),
    "concerns": ("id", "kind", "about", "statement", "raised_by"),
}
STATES = ("pending", "accepted", "rejected")
_FIELD = re.compile(r"^(?P<section>\w+)\[(?P<index>\d+)\]\.?(?P<rest>.*)$")


@dataclass
class Card:
    """One drafted (or added) fact and what the curator made of it."""

    id: str
    kind: str
    entry: dict[str, Any]
    span: tuple[int, int] | None = None
    confidence: float | None = None
    state: str = "pending"
    quoted: bool = False  # the draft took its wording from the minutes: to restate before accepting
    new_body: bool = False
    origin: tuple[str, int] | None = None  # the draft's section and index it was read from
    meta: dict[str, Any] = field(default_factory=dict)  # the draft: block it was read with

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "entry": self.entry,
            "span": list(self.span) if self.span else None,
            "confidence": self.confidence,
            "state": self.state,
            "quoted": self.quoted,
            "new_body": self.new_body,
        }


@dataclass
class Problem:
    card: str | None  # the card the problem is about (None: the source or the document)
    field: str
    rule: str
    hint: str = ""


class Refused(ValueError):
    """A change that breaks the rules: its problems, by card and field."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.rule for p in problems))
        self.problems = problems


@dataclass
class Review:
    """The draft of one document, its extracted text, and the cards."""

    settings: Settings
    text: str
    source: dict[str, Any]
    input_path: str
    cards: list[Card] = field(default_factory=list)
    saved: Path | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)  # one change at a time
    history: list[tuple[str, Card | None]] = field(default_factory=list)  # (card id, card before)
    unsaved: bool = False  # changes made since opening or saving
    seen: str | None = None  # the sha256 of the data/minutes file as last read or written here
    issued: int = 0  # card ids given so far
    draft_path: Path | None = None  # the draft file it was opened from, where the review is kept
    head: dict[str, Any] = field(default_factory=dict)  # the draft's own draft: block

    # -- reading a draft -----------------------------------------------------------------------
    @classmethod
    def of_draft(cls, settings: Settings, draft: dict[str, Any], text: str) -> Review:
        head = draft.get("draft") or {}
        review = cls(settings, text, dict(draft["source"]), str(head.get("input", "")), head=dict(head))
        review.source.pop("draft", None)
        for section in SECTIONS:
            for index, entry in enumerate(draft.get(section) or []):
                review._add_drafted(section, entry).origin = (section, index)
        review.seen = file_digest(review.target())
        return review

    def _add_drafted(self, section: str, entry: dict[str, Any]) -> Card:
        meta = dict(entry.get("draft") or {})
        span = meta.get("span")
        state = "rejected" if meta.get("rejected") else "accepted" if meta.get("accepted") else "pending"
        card = Card(
            self._new_id(),
            section,
            strip_draft(copy.deepcopy(entry)),
            tuple(span) if span and span[1] > span[0] else None,
            meta.get("confidence"),
            state,
            quoted=bool(meta.get("quoted")),
            new_body=bool(meta.get("new")),
            meta=meta,
        )
        self.cards.append(card)
        return card

    def card(self, card_id: str) -> Card:
        for card in self.cards:
            if card.id == card_id:
                return card
        raise KeyError(card_id)

    # -- changes ---------------------------------------------------------------------------------
    def change(self, card_id: str, entry: dict[str, Any] | None = None, state: str | None = None) -> Card:
        """Accept, reject or edit a card; refused (Refused) when the result breaks a rule of it."""
        with self.lock:
            return self._change(card_id, entry, state)

    def _change(self, card_id: str, entry: dict[str, Any] | None, state: str | None) -> Card:
        card = self.card(card_id)
        if state is not None and state not in STATES:
            raise Refused([Problem(card.id, "", f"not a state: {state!r}")])
        trial = dataclasses.replace(card)
        if entry is not None:
            trial.entry = _clean(entry)
            trial.quoted = False  # the curator's own words now
        if state is not None:
            trial.state = state
        if trial.state == "accepted" and trial.quoted:
            raise Refused([Problem(card.id, "", "the draft took these words from the minutes: restate them")])
        self._check(replacing=trial)
        self.cards = [trial if c.id == card_id else c for c in self.cards]
        self._changed(card_id, card)
        return trial

    def _changed(self, card_id: str, before: Card | None) -> None:
        self.history = [*self.history[-(UNDO_DEPTH - 1) :], (card_id, before)]
        self.unsaved = True
        self.keep()

    def keep(self) -> None:
        """Keep the review in its draft file (each card's entry as it stands, and `accepted: true`
        or `rejected: true` in its draft: block): opened again, the review goes on from there, and
        `cspkg accept` takes the same facts."""
        if self.draft_path is None:
            return
        doc: dict[str, Any] = {"draft": self.head, "source": self.source}
        for section in SECTIONS:
            entries = [_kept_entry(c) for c in self.cards if c.kind == section]
            if entries:
                doc[section] = entries
        write_draft(doc, self.draft_path)

    def undo(self) -> Card | None:
        """Undo the last change (an accept, reject, edit or added fact): the card as it was before
        (None when the undone change added it); Refused when there is nothing to undo."""
        with self.lock:
            if not self.history:
                raise Refused([Problem(None, "", "nothing to undo")])
            card_id, before = self.history.pop()
            if before is None:
                self.cards = [c for c in self.cards if c.id != card_id]
            else:
                self.cards = [before if c.id == card_id else c for c in self.cards]
            self.unsaved = True
            self.keep()
            return before

    def add(self, kind: str, entry: dict[str, Any], span: tuple[int, int] | None) -> Card:
        """A fact the curator adds (from text they selected); accepted when it passes the checks."""
        if kind not in SECTIONS:
            raise Refused([Problem(None, "kind", f"not a kind of fact: {kind!r}")])
        if span is not None and not (0 <= span[0] < span[1] <= len(self.text)):
            raise Refused([Problem(None, "span", "the selection is not in the text")])
        with self.lock:
            card = Card(self._new_id(), kind, _clean(entry), span, 1.0, state="accepted")
            self._check(replacing=card)
            self.cards.append(card)
            self._changed(card.id, None)
            return card

    def _new_id(self) -> str:
        """An id no card has had here (an undone addition's id is not given again)."""
        self.issued = max(self.issued, len(self.cards)) + 1
        return f"c{self.issued - 1}"

    # -- the document and its checks -------------------------------------------------------------
    def target(self) -> Path:
        return Path(self.settings.data_dir) / "minutes" / f"{self.source['id']}.yaml"

    def document(self, extra: Card | None = None) -> tuple[dict[str, Any], dict[tuple[str, int], str]]:
        """The fact document of the accepted cards (and `extra`), and which card each entry is."""
        doc: dict[str, Any] = {"source": self.source}
        where: dict[tuple[str, int], str] = {}
        chosen = [c for c in self.cards if c.state == "accepted" and (extra is None or c.id != extra.id)]
        if extra is not None and extra.state != "rejected":
            chosen.append(extra)
        for section in SECTIONS:
            entries = [c for c in chosen if c.kind == section]
            if entries:
                doc[section] = [_ordered(section, c.entry) for c in entries]
                where.update(((section, i), c.id) for i, c in enumerate(entries))
        return doc, where

    def problems(self, extra: Card | None = None) -> list[Problem]:
        """What the one-document validation finds in the document (with `extra`), and any
        wording copied from the minutes."""
        doc, where = self.document(extra)
        copied = [
            Problem(where[(section, i)], place, "worded as in the minutes: restate it in our own words")
            for section in SECTIONS
            for i, entry in enumerate(doc.get(section, ()))
            for place in copied_wording(entry, self._plain)
        ]
        return copied + self._validation(doc, where)

    @property
    def _plain(self) -> str:
        return _words(self.text)

    def _validation(self, doc: dict[str, Any], where: dict[tuple[str, int], str]) -> list[Problem]:
        text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
        path = display_path(self.target())
        try:
            pipeline.validate_document(self.settings, parse_text(text, path), Reporter())
        except BuildError as exc:
            return [_problem(e, where) for e in exc.errors]
        return []

    def _check(self, replacing: Card) -> None:
        mine = [p for p in self.problems(extra=replacing) if p.card in (replacing.id, None)]
        if mine and replacing.state != "rejected":
            raise Refused(mine)

    # -- saving ----------------------------------------------------------------------------------
    def save(self, reporter: Reporter | None = None) -> tuple[Path, BuildInfo]:
        """Write the accepted facts into data/minutes/ and publish them (incremental build)."""
        with self.lock:
            return self._save(reporter)

    def _save(self, reporter: Reporter | None) -> tuple[Path, BuildInfo]:
        path = self.write()
        info = pipeline.build(self.settings, open_store(self.settings), reporter or Reporter())
        return path, info

    def write(self) -> Path:
        """Write the accepted facts into data/minutes/ in the house style (no publishing);
        Refused when they break a rule, or when that file changed on disk since it was read here."""
        problems = self.problems()
        if problems:
            raise Refused(problems)
        path = self.target()
        now = file_digest(path)
        if now is not None and now != self.seen:
            shown = display_path(path)
            raise Refused(
                [
                    Problem(
                        None,
                        "",
                        f"{shown} changed on disk since this review opened it: not saved, so that those "
                        "changes are not lost (your review here is kept)",
                        f"compare it with your review, then move {shown} aside (or merge it into the "
                        "review) and save again",
                    )
                ]
            )
        doc, _ = self.document()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        text = house_style(doc, self.input_path)
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        self.saved, self.seen, self.unsaved = path, _digest(text.encode("utf-8")), False
        return path


UNDO_DEPTH = 200  # changes remembered for undo


def _kept_entry(card: Card) -> dict[str, Any]:
    """A card as a draft entry: its fields in the format's order, then its draft: block."""
    meta = {k: v for k, v in card.meta.items() if k not in ("accepted", "rejected", "quoted")}
    if card.span:
        meta["span"] = list(card.span)
    if card.confidence is not None:
        meta.setdefault("confidence", card.confidence)
    if card.meta.get("quoted") or card.quoted:
        meta["quoted"] = card.quoted
    if card.state != "pending":
        meta[card.state] = True
    return {**_ordered(card.kind, card.entry), "draft": meta}


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str | None:
    """The sha256 of a file's bytes, None when there is no such file."""
    try:
        return _digest(path.read_bytes())
    except FileNotFoundError:
        return None


COPY_MIN = 40  # characters: a name may be as in the minutes, a sentence may not
PROSE = {"statement", "description", "summary", "text", "indicator", "note", "legal_basis", "comparison"}


def _words(text: str) -> str:
    return " ".join(text.split()).lower()


def copied_wording(value: Any, plain: str, place: str = "") -> list[str]:
    """The prose fields (as 'items[0].decisions[1].text') whose text repeats the minutes word for
    word: a run of at least COPY_MIN characters (a draft cut short with '…' counts by its parts).
    Names and titles may be as the minutes give them."""
    if isinstance(value, dict):
        return [f for k, v in value.items() for f in copied_wording(v, plain, f"{place}.{k}" if place else k)]
    if isinstance(value, list):
        return [f for i, v in enumerate(value) for f in copied_wording(v, plain, f"{place}[{i}]")]
    if isinstance(value, str) and re.sub(r"\[\d+\]$", "", place).rsplit(".", 1)[-1] in PROSE:
        parts = [_words(part) for part in re.split(r"…|\.\.\.", value)]
        if any(len(part) >= COPY_MIN and part in plain for part in parts):
            return [place]
    return []


def _clean(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry as the form sends it: empty fields left out, no draft keys."""
    out = {}
    for key, value in entry.items():
        if key == "draft" or value is None or value == "" or value == []:
            continue
        out[key] = value
    return out


def _ordered(section: str, entry: dict[str, Any]) -> dict[str, Any]:
    order = KEY_ORDER[section]
    known = [k for k in order if k in entry]
    rest = [k for k in entry if k not in order and k not in ("cite", "note")]
    tail = [k for k in ("cite", "note") if k in entry]
    return {k: entry[k] for k in [*known, *rest, *tail]}


def _problem(error: FactError, where: dict[tuple[str, int], str]) -> Problem:
    match = _FIELD.match(error.field or "")
    if match is None:
        return Problem(None, error.field or "", error.rule, error.hint or "")
    card = where.get((match["section"], int(match["index"])))
    return Problem(card, match["rest"], error.rule, error.hint or "")


def house_style(doc: dict[str, Any], input_path: str) -> str:
    """The fact file as curators write them: a header, then each section under a comment."""
    source = doc["source"]
    lines = [
        f"# {source.get('title', source['id'])}",
        f"# Facts curated from {Path(input_path).name or 'the minutes'}, in our own words; each cites its item.",
        "",
        yaml.safe_dump({"source": source}, sort_keys=False, allow_unicode=True, width=100).rstrip(),
    ]
    for section in SECTIONS:
        if section in doc:
            lines += ["", f"# -- {section} --"]
            lines.append(
                yaml.safe_dump(
                    {section: doc[section]}, sort_keys=False, allow_unicode=True, width=100
                ).rstrip()
            )
    return "\n".join(lines) + "\n"
