"""The ontology as the views need it, read from the store once per build: the class
hierarchy (to name a resource by its most specific classes) and the code-list concepts."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from graph_build.store.base import GraphStore

from ..context import CSP_NS
from ..queries import load


@dataclass(frozen=True)
class Concept:
    iri: str
    scheme: str
    notation: str
    label: str | None
    broader: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Vocab:
    superclasses: dict[str, frozenset[str]]  # class → every class above it (not itself)
    class_labels: dict[str, str]
    concepts: dict[str, Concept]

    def most_specific(self, types: Iterable[str]) -> list[str]:
        """The ontology's classes among `types` that no other of them is below, as local names."""
        own = {t for t in types if t.startswith(CSP_NS)}
        above = set().union(*(self.superclasses.get(t, ()) for t in own)) if own else set()
        return sorted(t[len(CSP_NS) :] for t in own - above)

    def is_a(self, cls: str, sup: str) -> bool:
        return cls == sup or sup in self.superclasses.get(cls, ())

    def subclasses(self, sup: str) -> list[str]:
        return sorted(c for c in self.superclasses if self.is_a(c, sup))

    def concept_by_notation(self, scheme: str, notation: str) -> Concept | None:
        for concept in self.concepts.values():
            if concept.scheme == scheme and concept.notation == notation:
                return concept
        return None

    def notations(self, scheme: str) -> list[str]:
        return sorted(c.notation for c in self.concepts.values() if c.scheme == scheme)

    def within(self, concept: str, ancestor: str) -> bool:
        """The concept is the ancestor or narrower than it (skos:broader, transitively)."""
        seen, todo = set(), [concept]
        while todo:
            c = todo.pop()
            if c == ancestor:
                return True
            if c not in seen:
                seen.add(c)
                todo.extend(self.concepts[c].broader if c in self.concepts else ())
        return False


def load_vocab(store: GraphStore) -> Vocab:
    direct: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    for row in store.select(load("vocab_classes")):
        cls = str(row["class"])
        direct.setdefault(cls, set())
        if "super" in row:
            direct[cls].add(str(row["super"]))
        if "label" in row:
            labels.setdefault(cls, str(row["label"]))
    closure: dict[str, frozenset[str]] = {}
    for cls, supers in direct.items():
        seen: set[str] = set()
        todo = list(supers)
        while todo:
            c = todo.pop()
            if c not in seen and c != cls:
                seen.add(c)
                todo.extend(direct.get(c, ()))
        closure[cls] = frozenset(seen)
    concepts: dict[str, Concept] = {}
    for row in store.select(load("vocab_concepts")):
        iri = str(row["concept"])
        known = concepts.get(iri)
        broader = (known.broader if known else frozenset()) | (
            {str(row["broader"])} if "broader" in row else set()
        )
        concepts[iri] = Concept(
            iri,
            str(row["scheme"]),
            str(row["notation"]),
            str(row["label"]) if "label" in row else None,
            frozenset(broader),
        )
    return Vocab(closure, labels, concepts)


class VocabCache:
    """One Vocab per build id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: tuple[str, Vocab] | None = None

    def get(self, store: GraphStore, build_id: str) -> Vocab:
        cached = self._cached
        if cached is not None and cached[0] == build_id:
            return cached[1]
        with self._lock:
            if self._cached is None or self._cached[0] != build_id:
                self._cached = (build_id, load_vocab(store))
            return self._cached[1]
