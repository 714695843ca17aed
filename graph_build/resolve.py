"""Resolve references across all fact files: one record per id, near-match hints for typos.

A body may be declared by several files (each says what it calls it); the declarations must
agree on type and name, except that the national reference layer's name wins. People, posts,
meetings and initiatives belong to the one file that declares them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Iterable

from rdflib import URIRef

from .errors import BuildError, FactError
from .facts.reader import FactFile, field_name
from .namespaces import CSP, Ids
from .vocab import Vocabulary

REFERENCE_KIND = "reference-data"
ENTITY_KINDS = ("body", "person", "post", "meeting", "initiative", "area", "rule")


@dataclass
class Record:
    """Everything known about one id after merging its declarations."""

    kind: str                       # body | person | post | meeting | initiative | area | rule
    id: str
    type: URIRef | None = None
    name: str | None = None
    name_authoritative: bool = False
    declared_in: list[tuple[str, int | None]] = field(default_factory=list)


class Registry:
    """Ids declared across a set of fact files, and the checks of every reference to them."""

    def __init__(self, vocab: Vocabulary):
        self.vocab = vocab
        self.records: dict[str, Record] = {}   # key: f"{kind}:{id}"
        self.errors: list[FactError] = []

    # -- declarations --------------------------------------------------------------------
    def get(self, kind: str, id_: str) -> Record | None:
        return self.records.get(f"{kind}:{id_}")

    def _declare(self, ff: FactFile, loc: tuple, kind: str, id_: str, shared: bool) -> Record:
        key = f"{kind}:{id_}"
        line = ff.line(*loc)
        rec = self.records.get(key)
        if rec is None:
            rec = self.records[key] = Record(kind, id_)
        else:
            same_file = [ln for f, ln in rec.declared_in if f == ff.path]
            if same_file or not shared:
                first = rec.declared_in[0]
                self.errors.append(FactError(ff.path, line, field_name(loc + ("id",)),
                                             f"duplicate id '{id_}': already declared at {first[0]}:{first[1]}"))
        rec.declared_in.append((ff.path, line))
        return rec

    def declare_file(self, ff: FactFile) -> None:
        doc = ff.doc
        authoritative = doc.source.kind == REFERENCE_KIND
        for i, body in enumerate(doc.bodies):
            rec = self._declare(ff, ("bodies", i), "body", body.id, shared=True)
            self._merge_type(ff, ("bodies", i, "type"), rec, body.type)
            self._merge_name(ff, ("bodies", i, "name"), rec, body.name, authoritative)
        for i, person in enumerate(doc.people):
            rec = self._declare(ff, ("people", i), "person", person.id, shared=False)
            rec.name, rec.type = person.name, CSP.Person
        for i, post in enumerate(doc.posts):
            if post.id:
                self._declare(ff, ("posts", i), "post", post.id, shared=False).type = CSP.Post
        for i, meeting in enumerate(doc.meetings):
            self._declare(ff, ("meetings", i), "meeting", meeting.id, shared=False).type = CSP.Meeting
        for i, initiative in enumerate(doc.initiatives):
            rec = self._declare(ff, ("initiatives", i), "initiative", initiative.id, shared=False)
            rec.name, rec.type = initiative.name, CSP[initiative.type]
        for i, area in enumerate(doc.areas):
            rec = self._declare(ff, ("areas", i), "area", area.id, shared=False)
            rec.name, rec.type = area.name, CSP[area.type]
        for i, rule in enumerate(doc.rules):
            self._declare(ff, ("rules", i), "rule", rule.id, shared=False).type = CSP.StatutoryRule

    def _merge_type(self, ff: FactFile, loc: tuple, rec: Record, type_name: str | None) -> None:
        if type_name is None:
            return
        cls = self.vocab.body_classes.get(type_name)
        if cls is None:
            self.errors.append(self._unknown(ff, loc, "body type", type_name, self.vocab.body_classes))
            return
        if rec.type is None or self.vocab.is_subclass(cls, rec.type):
            rec.type = cls
        elif not self.vocab.is_subclass(rec.type, cls):
            first = rec.declared_in[0]
            self.errors.append(FactError(ff.path, ff.line(*loc), field_name(loc),
                                         f"body '{rec.id}' is a {_local(rec.type)} at {first[0]}:{first[1]}, "
                                         f"which does not agree with {type_name}"))

    def _merge_name(self, ff: FactFile, loc: tuple, rec: Record, name: str | None, authoritative: bool) -> None:
        if name is None or rec.name_authoritative:
            return
        if authoritative or rec.name is None:
            rec.name, rec.name_authoritative = name, authoritative
        elif rec.name != name:
            first = rec.declared_in[0]
            self.errors.append(FactError(ff.path, ff.line(*loc), field_name(loc),
                                         f"body '{rec.id}' is named '{rec.name}' at {first[0]}:{first[1]}",
                                         "give the same name, and put this one in alt_names"))

    def type_index(self, ids: Ids) -> dict[URIRef, tuple[URIRef, ...]]:
        """Each declared resource's types, superclasses included: the context SHACL needs."""
        index = dict(self.vocab.concept_types)
        index.update((ids.entity(r.kind, r.id), self.vocab.superclasses.get(r.type, (r.type,)))
                     for r in self.records.values() if r.type is not None)
        return index

    def check_bodies_complete(self) -> None:
        for rec in self.records.values():
            if rec.kind == "body" and (rec.type is None or rec.name is None):
                missing = " and ".join(x for x, v in (("type", rec.type), ("name", rec.name)) if v is None)
                path, line = rec.declared_in[0]
                self.errors.append(FactError(path, line, "bodies", f"body '{rec.id}' has no {missing} in any file",
                                             "declare it in full in one file"))

    # -- references ----------------------------------------------------------------------
    def resolve(self, ff: FactFile, loc: tuple, id_: str | None, kinds: Iterable[str]) -> Record | None:
        """The record an id refers to, or None after recording an error with near matches."""
        if id_ is None:
            return None
        kinds = tuple(kinds)
        for kind in kinds:
            rec = self.get(kind, id_)
            if rec is not None:
                return rec
        other = next((k for k in ENTITY_KINDS if k not in kinds and self.get(k, id_) is not None), None)
        if other is not None:
            hint = f"'{id_}' is the id of a {other}"
        else:
            known = {k.split(":", 1)[1] for k, r in self.records.items() if r.kind in kinds}
            near = difflib.get_close_matches(id_, known, n=3, cutoff=0.6)
            hint = f"did you mean {', '.join(repr(n) for n in near)}?" if near else None
        self.errors.append(FactError(ff.path, ff.line(*loc), field_name(loc),
                                     f"no {' or '.join(kinds)} has the id '{id_}'", hint))
        return None

    def concept(self, ff: FactFile, loc: tuple, value: str, what: str, scheme: dict[str, URIRef]) -> URIRef | None:
        if value in scheme:
            return scheme[value]
        self.errors.append(self._unknown(ff, loc, what, value, scheme))
        return None

    @staticmethod
    def _unknown(ff: FactFile, loc: tuple, what: str, value: str, scheme: dict) -> FactError:
        near = difflib.get_close_matches(value, list(scheme), n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(repr(n) for n in near)}?" if near else "see docs/fact-format.md"
        return FactError(ff.path, ff.line(*loc), field_name(loc), f"unknown {what} '{value}'", hint)

    def raise_errors(self) -> None:
        if self.errors:
            raise BuildError(self.errors)


def _local(uri: URIRef) -> str:
    return str(uri).rsplit("#", 1)[-1]


def build_registry(files: list[FactFile], vocab: Vocabulary) -> Registry:
    """Declare every id of every file and check bodies are fully declared somewhere."""
    registry = Registry(vocab)
    # national reference declarations first: a curated file that disagrees with one is the file in error
    for ff in sorted(files, key=lambda ff: ff.doc.source.kind != REFERENCE_KIND):
        registry.declare_file(ff)
    registry.check_bodies_complete()
    return registry
