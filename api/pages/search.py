"""Finding bodies by what people type: "Safer Leeds", "Leeds community safety partnership",
"Caerdydd", "E22000046".

An index of every body's names (its name, alternative names, identifiers, and the names of the
councils of the districts it covers) is made once per build (search_names.rq, search_areas.rq,
search_types.rq: about a second on the curated data). A query matches a
body when each of its words begins a word of one of those names; words that only say what kind of
body is meant ("safer", "community safety partnership", "CSP") need not match, and make partnerships
rank first. Among matches an exact identifier comes first, then names that begin with the query,
then partnerships before other bodies and before groups that are part of another body, then names
matched directly before those matched through a council. When nothing matches, the nearest names
(difflib) are offered instead.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from graph_build.store.base import GraphStore

from ..queries import load

CSP_CLASS = "https://w3id.org/cspkg/def#CommunitySafetyPartnership"
# Words that say a partnership is meant rather than name one ("Safer Leeds", "Leeds CSP").
KIND_WORDS = frozenset(
    {"safer", "community", "safety", "partnership", "partnerships", "csp", "cdrp", "the", "of"}
)
NEAR_CUTOFF = 0.75


def fold(value: str) -> str:
    """Lower case without accents, '&' as 'and', punctuation as spaces: 'Ynys Môn' → 'ynys mon'."""
    value = unicodedata.normalize("NFKD", value)
    value = "".join(c for c in value if not unicodedata.combining(c)).lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", value).split())


@dataclass
class Entry:
    iri: str
    names: set[str] = field(default_factory=set)  # folded own names and identifiers
    ids: set[str] = field(default_factory=set)
    areas: set[str] = field(default_factory=set)  # folded names of the councils of its districts
    csp: bool = False
    part: bool = False


@dataclass
class Hit:
    iri: str
    key: tuple


class SearchIndex:
    """Every body's names, for one build."""

    def __init__(self, entries: dict[str, Entry]):
        self.entries = entries
        self.words = sorted({w for e in entries.values() for n in e.names | e.areas for w in n.split()})

    @classmethod
    def of_store(cls, store: GraphStore) -> SearchIndex:
        entries: dict[str, Entry] = {}
        for row in store.select(load("search_names"), {}):
            entry = entries.setdefault(str(row["body"]), Entry(str(row["body"])))
            entry.names.add(fold(str(row["text"])))
            if str(row["how"]) == "id":
                entry.ids.add(str(row["text"]).lower())
        for row in store.select(load("search_areas"), {}):
            if str(row["body"]) in entries:
                entries[str(row["body"])].areas.add(fold(str(row["text"])))
        for row in store.select(load("search_types"), {}):
            typed = entries.get(str(row["body"]))
            if typed is not None:
                typed.csp = typed.csp or str(row["kind"]) == "csp"
                typed.part = typed.part or str(row["kind"]) == "part"
        return cls(entries)

    def search(self, q: str, limit: int = 20) -> list[str]:
        """The IRIs of the bodies that match, best first."""
        query = fold(q)
        if not query:
            return []
        words = query.split()
        naming = [w for w in words if w not in KIND_WORDS] or words
        wants_csp = len(naming) < len(words)
        hits = []
        for entry in self.entries.values():
            key = self._rank(entry, q.strip().lower(), query, naming, wants_csp)
            if key is not None:
                hits.append(Hit(entry.iri, key))
        hits.sort(key=lambda h: h.key)
        return [h.iri for h in hits[:limit]]

    def _rank(self, entry: Entry, raw: str, query: str, naming: list[str], wants_csp: bool) -> tuple | None:
        own = any(_covers(n, naming) or query in n for n in entry.names)
        through_area = not own and any(_covers(a, naming) for a in entry.areas)
        if not own and not through_area:
            return None
        starts = any(n.startswith(query) for n in entry.names)
        kind = 0 if entry.csp and not entry.part else (2 if entry.part else 1)
        if wants_csp and not entry.csp:
            kind += 3
        shortest = min((len(n) for n in entry.names), default=0)
        return (raw not in entry.ids, not starts, kind, through_area, shortest, min(entry.names, default=""))

    def near(self, q: str, most: int = 5) -> list[str]:
        """Words of the index close to the query's words ('Plymoth' → 'plymouth'), for 'did you mean'."""
        found: list[str] = []
        for word in fold(q).split():
            if word in KIND_WORDS:
                continue
            for close in difflib.get_close_matches(word, self.words, n=3, cutoff=NEAR_CUTOFF):
                if close != word and close not in found:
                    found.append(close)
        return found[:most]


def _covers(name: str, words: list[str]) -> bool:
    """Every word begins a word of the name."""
    parts = name.split()
    return all(any(p.startswith(w) for p in parts) for w in words)
