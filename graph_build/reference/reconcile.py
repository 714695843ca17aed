"""Warn when a curated body looks like a national one under another id ("possible match").

Minutes and registers name national bodies by the id rules of docs/fact-format.md; a body whose
name is (nearly) that of a national body but whose id differs is either the same body under a
wrong id or a different body with a similar name. Only the curator can tell, so this warns and
the build goes on.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict

from ..errors import FactError
from ..facts.reader import FactFile
from ..facts.schema import Body
from ..resolve import REFERENCE_KIND, Registry

CUTOFF = 0.9  # difflib ratio of normalised names that counts as close
COMMON = 40  # a word in more national names than this does not pick candidates
_STOP = {"the", "of", "for", "and"}


def normalise(name: str) -> str:
    """'The Devon & Cornwall Police' → 'devon and cornwall police'."""
    text = name.lower().replace("&", " and ").replace("'", "").replace("\u2019", "")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def _words(norm: str) -> set[str]:
    return {w for w in norm.split() if w not in _STOP}


def possible_matches(files: list[FactFile], registry: Registry) -> list[FactError]:
    """One warning per curated body that is not national but whose name is close to a national
    body's name (its official or an alternative one)."""
    national: dict[str, set[str]] = defaultdict(set)  # normalised name → national body ids
    for ff in files:
        if ff.doc.source.kind == REFERENCE_KIND:
            for b in ff.doc.bodies:
                for name in (b.name, *b.alt_names):
                    if name:
                        national[normalise(name)].add(b.id)
    if not national:
        return []
    national_ids = {i for ids in national.values() for i in ids}
    by_word: dict[str, list[str]] = defaultdict(list)
    for norm in national:
        for word in _words(norm):
            by_word[word].append(norm)
    warnings: list[FactError] = []
    for ff in files:
        if ff.doc.source.kind == REFERENCE_KIND:
            continue
        for i, b in enumerate(ff.doc.bodies):
            if b.id in national_ids:
                continue
            found = _closest(b, national, by_word)
            if found is None:
                continue
            name, other = found
            rec = registry.get("body", other)
            theirs = rec.name if rec is not None and rec.name else other
            warnings.append(
                FactError(
                    ff.path,
                    ff.line("bodies", i, "name") or ff.line("bodies", i),
                    f"bodies[{i}].id",
                    f"possible match: body '{b.id}' ('{name}') is close to the national body '{other}' ('{theirs}')",
                    f"if it is the same body, use the id '{other}'; if not, nothing to do",
                )
            )
    return warnings


def _closest(
    body: Body, national: dict[str, set[str]], by_word: dict[str, list[str]]
) -> tuple[str, str] | None:
    best: tuple[float, str, str] | None = None
    for name in (body.name, *body.alt_names):
        if not name:
            continue
        norm = normalise(name)
        if norm in national:
            return name, min(national[norm])
        candidates = {
            c for w in _words(norm) if len(by_word.get(w, ())) <= COMMON for c in by_word.get(w, ())
        }
        matcher = difflib.SequenceMatcher(b=norm, autojunk=False)
        for cand in candidates:
            matcher.set_seq1(cand)
            if matcher.real_quick_ratio() < CUTOFF or matcher.quick_ratio() < CUTOFF:
                continue
            ratio = matcher.ratio()
            if ratio >= CUTOFF and (best is None or ratio > best[0]):
                best = (ratio, name, min(national[cand]))
    return (best[1], best[2]) if best else None
