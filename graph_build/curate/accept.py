"""`cspkg accept DRAFT`: a draft reviewed by hand, into data/minutes/ without the browser.

The same steps as the review app's save, on the draft as the curator left it: every entry is
taken as accepted except those they marked `draft: {rejected: true}` (and, when asked, those
drafted with less than a given confidence; or, with `accepted_only`, all but those marked
`accepted: true`, as the review app keeps a review in its draft), at any depth (a meeting's
agenda item, a decision); the `draft:` keys and spans are stripped; prose still
worded as in the minutes is refused; the one-document validation runs; and the file is written in
the house style by the writer the app uses. Problems are reported at the draft's own lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .. import pipeline
from ..config import Settings
from ..draft import DraftInputError, extract_document
from ..errors import BuildError, FactError, display_path
from ..facts.reader import yaml_problem
from ..facts.yaml_lines import LineList, line_at, load_yaml
from ..progress import Reporter
from ..store import open_store
from ..store.base import BuildInfo
from .review import SECTIONS, Card, Problem, Refused, Review

_STEP = re.compile(r"\.?([A-Za-z_]\w*)|\[(\d+)\]")


@dataclass
class Accepted:
    path: Path  # the fact file written in data/minutes/
    kept: int
    dropped: int
    build: BuildInfo | None = None
    notes: tuple[str, ...] = ()


def accept_draft(
    settings: Settings,
    draft_path: Path,
    *,
    min_confidence: float | None = None,
    accepted_only: bool = False,
    replace: bool = False,
    publish: bool = False,
    reporter: Reporter | None = None,
) -> Accepted:
    """Write the draft's accepted entries into data/minutes/ (and publish them with `publish`);
    BuildError naming the draft's file, line and field of every problem, nothing written."""
    shown = display_path(draft_path)
    raw, _ = _read(draft_path, shown)
    nested = sum(_prune(raw[section], min_confidence) for section in SECTIONS if section in raw)
    draft = _plain(raw)
    text, notes = _minutes_text(draft)
    review = Review.of_draft(settings, draft, text)
    dropped = 0
    for card in review.cards:
        if _dropped(draft, card, min_confidence) or (accepted_only and card.state != "accepted"):
            card.state, dropped = "rejected", dropped + 1
        else:
            card.state = "accepted"
    if not text:  # the minutes cannot be read again: the draft's own marks say what it copied
        notes += ("the minutes could not be read again, so copied wording is found by quoted: true",)
    problems = _quoted(review) if not text else []
    target = review.target()
    if target.exists() and not replace:
        problems.append(
            Problem(None, "source.id", f"{display_path(target)} exists", "give --replace to overwrite it")
        )
    try:
        if problems:
            raise Refused(problems)
        path = review.write()
    except Refused as exc:
        raise BuildError([_placed(p, review, raw, shown) for p in exc.problems]) from None
    kept = sum(c.state == "accepted" for c in review.cards)
    dropped += nested
    build = None
    if publish:
        build = pipeline.build(settings, open_store(settings), reporter or Reporter())
    return Accepted(path, kept, dropped, build, notes)


def _read(path: Path, shown: str) -> tuple[Any, dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
        raw = load_yaml(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise BuildError([FactError(shown, None, "", f"cannot read the draft: {exc}")]) from None
    except yaml.MarkedYAMLError as exc:
        raise BuildError([yaml_problem(exc, text, shown)]) from None
    except yaml.YAMLError as exc:
        raise BuildError([FactError(shown, None, "", f"broken YAML: {exc}")]) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("draft"), dict) or "source" not in raw:
        rule = "not a draft: no top-level draft: block (cspkg draft makes one) and source: block"
        raise BuildError([FactError(shown, 1, "", rule)])
    return raw, _plain(raw)


def _prune(entries: Any, min_confidence: float | None) -> int:
    """Leave out, in place, the entries nested in the section's entries (a meeting's agenda items,
    an item's decisions) that `_dropped_meta` drops; the rest keep their lines. How many."""
    count = 0
    for entry in entries if isinstance(entries, list) else ():
        for value in entry.values() if isinstance(entry, dict) else ():
            if not isinstance(value, LineList):
                continue
            for i in reversed(range(len(value))):
                item = value[i]
                if isinstance(item, dict) and _dropped_meta(item.get("draft"), min_confidence):
                    del value[i]
                    del value.item_lines[i]
                    count += 1
            count += _prune(value, min_confidence)
    return count


def _plain(node: Any) -> Any:
    """The parsed YAML as plain dicts and lists (the review works on those)."""
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _minutes_text(draft: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """The extracted text of the draft's input, when it is still there and unchanged."""
    head = draft["draft"]
    try:
        document = extract_document(Path(str(head.get("input", ""))))
    except (DraftInputError, OSError):
        return "", ()
    if document.source.sha256 != head.get("text_sha256", document.source.sha256):
        return "", (f"{head.get('input')} changed since it was drafted",)
    return document.text, ()


def _dropped(draft: dict[str, Any], card: Card, min_confidence: float | None) -> bool:
    assert card.origin is not None
    section, index = card.origin
    return _dropped_meta(draft[section][index].get("draft"), min_confidence)


def _dropped_meta(meta: Any, min_confidence: float | None) -> bool:
    """Whether an entry with this `draft:` block is left out: marked rejected, or (when asked)
    drafted with less than `min_confidence`."""
    if not isinstance(meta, dict):
        return False
    if meta.get("rejected"):
        return True
    confidence = meta.get("confidence")
    return min_confidence is not None and isinstance(confidence, (int, float)) and confidence < min_confidence


def _quoted(review: Review) -> list[Problem]:
    return [
        Problem(c.id, "", "marked quoted: true: restate it in our own words, then remove the mark")
        for c in review.cards
        if c.state == "accepted" and c.quoted
    ]


def _placed(problem: Problem, review: Review, raw: Any, shown: str) -> FactError:
    """A problem of the review as a FactError at the draft's line and field."""
    origin = review.card(problem.card).origin if problem.card is not None else None
    if origin is not None:
        field = f"{origin[0]}[{origin[1]}]" + (f".{problem.field}" if problem.field else "")
    else:
        field = problem.field or "source"
    steps = tuple(name or int(index) for name, index in _STEP.findall(field))
    return FactError(shown, line_at(raw, steps), field, problem.rule, problem.hint or None)


__all__ = ["SECTIONS", "Accepted", "accept_draft"]
