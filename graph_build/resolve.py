"""Resolve references across all fact files: one record per id, near-match hints for typos.

A body may be declared by several files (each says what it calls it); the declarations must
agree on type and name, except that the national reference layer's name wins. People, posts,
meetings and initiatives belong to the one file that declares them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from rdflib import URIRef

from .errors import BuildError, FactError
from .facts.reader import FactFile, field_name
from .namespaces import CSP, Ids
from .vocab import Vocabulary

REFERENCE_KIND = "reference-data"
ENTITY_KINDS = ("body", "person", "post", "meeting", "initiative", "area", "rule")
SHARED_ID_KINDS = ("body", "person", "post", "meeting", "initiative")  # one id space (docs/fact-format.md)


@dataclass
class Record:
    """Everything known about one id after merging its declarations."""

    kind: str  # body | person | post | meeting | initiative | area | rule
    id: str
    type: URIRef | None = None
    name: str | None = None
    name_authoritative: bool = False
    declared_in: list[tuple[str, int | None]] = field(default_factory=list)


class Declaration(NamedTuple):
    """One id a fact file declares, with what the registry merges: all it needs of a file it
    does not convert (kept on disk for `cspkg validate FILE`, see graph_build/declared.py)."""

    path: str
    loc: tuple  # ('bodies', 3)
    line: int | None
    kind: str  # body | person | post | meeting | initiative | area | rule
    id: str
    type: str | None  # bodies: the type as written; others: the class's local name
    type_line: int | None
    name: str | None
    name_line: int | None
    authoritative: bool  # the national reference layer's name wins


def declarations(ff: FactFile) -> list[Declaration]:
    """Every id `ff` declares, in file order."""
    doc, out = ff.doc, []
    authoritative = doc.source.kind == REFERENCE_KIND

    def add(section: str, i: int, kind: str, id_: str, type_: str | None, name: str | None) -> None:
        loc = (section, i)
        out.append(
            Declaration(
                ff.path,
                loc,
                ff.line(*loc),
                kind,
                id_,
                type_,
                ff.line(*loc, "type"),
                name,
                ff.line(*loc, "name"),
                authoritative,
            )
        )

    for i, body in enumerate(doc.bodies):
        add("bodies", i, "body", body.id, body.type, body.name)
    for i, person in enumerate(doc.people):
        add("people", i, "person", person.id, "Person", person.name)
    for i, post in enumerate(doc.posts):
        if post.id:
            add("posts", i, "post", post.id, "Post", None)
    for i, meeting in enumerate(doc.meetings):
        add("meetings", i, "meeting", meeting.id, "Meeting", None)
    for i, initiative in enumerate(doc.initiatives):
        add("initiatives", i, "initiative", initiative.id, initiative.type, initiative.name)
    for i, area in enumerate(doc.areas):
        add("areas", i, "area", area.id, area.type, area.name)
    for i, rule in enumerate(doc.rules):
        add("rules", i, "rule", rule.id, "StatutoryRule", None)
    return out


class Registry:
    """Ids declared across a set of fact files, and the checks of every reference to them."""

    def __init__(self, vocab: Vocabulary):
        self.vocab = vocab
        self.records: dict[str, Record] = {}  # key: f"{kind}:{id}"
        self.errors: list[FactError] = []

    # -- declarations --------------------------------------------------------------------
    def get(self, kind: str, id_: str) -> Record | None:
        return self.records.get(f"{kind}:{id_}")

    def _declare(self, d: Declaration) -> Record:
        key = f"{d.kind}:{d.id}"
        rec = self.records.get(key)
        if rec is None:
            self._check_other_kinds(d)
            rec = self.records[key] = Record(d.kind, d.id)
        else:
            same_file = [ln for f, ln in rec.declared_in if f == d.path]
            if same_file or d.kind != "body":  # a body may be declared by several files, once each
                first = rec.declared_in[0]
                self.errors.append(
                    FactError(
                        d.path,
                        d.line,
                        field_name(d.loc + ("id",)),
                        f"duplicate id '{d.id}': already declared at {first[0]}:{first[1]}",
                    )
                )
        rec.declared_in.append((d.path, d.line))
        return rec

    def _check_other_kinds(self, d: Declaration) -> None:
        """A reference names an id, not its kind: one id for a person and a body is ambiguous."""
        if d.kind not in SHARED_ID_KINDS:
            return
        other = next(
            (
                self.records[f"{k}:{d.id}"]
                for k in SHARED_ID_KINDS
                if k != d.kind and f"{k}:{d.id}" in self.records
            ),
            None,
        )
        if other is not None:
            first = other.declared_in[0]
            self.errors.append(
                FactError(
                    d.path,
                    d.line,
                    field_name(d.loc + ("id",)),
                    f"duplicate id '{d.id}': already the id of a {other.kind} at {first[0]}:{first[1]}",
                    "give each body, person, post, meeting and initiative an id of its own",
                )
            )

    def declare_file(self, ff: FactFile) -> None:
        for d in declarations(ff):
            self.declare(d)

    def declare(self, d: Declaration) -> None:
        rec = self._declare(d)
        if d.kind == "body":
            self._merge_type(d, rec)
            self._merge_name(d, rec)
        else:
            rec.name, rec.type = d.name, CSP[d.type or ""]

    def _merge_type(self, d: Declaration, rec: Record) -> None:
        if d.type is None:
            return
        cls = self.vocab.body_classes.get(d.type)
        loc = d.loc + ("type",)
        if cls is None:
            near = difflib.get_close_matches(d.type, list(self.vocab.body_classes), n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(repr(n) for n in near)}?" if near else "see docs/fact-format.md"
            self.errors.append(
                FactError(d.path, d.type_line, field_name(loc), f"unknown body type '{d.type}'", hint)
            )
            return
        if rec.type is None or self.vocab.is_subclass(cls, rec.type):
            rec.type = cls
        elif not self.vocab.is_subclass(rec.type, cls):
            first = rec.declared_in[0]
            self.errors.append(
                FactError(
                    d.path,
                    d.type_line,
                    field_name(loc),
                    f"body '{rec.id}' is a {_local(rec.type)} at {first[0]}:{first[1]}, "
                    f"which does not agree with {d.type}",
                )
            )

    def _merge_name(self, d: Declaration, rec: Record) -> None:
        if d.name is None or rec.name_authoritative:
            return
        if d.authoritative or rec.name is None:
            rec.name, rec.name_authoritative = d.name, d.authoritative
        elif rec.name != d.name:
            first = rec.declared_in[0]
            self.errors.append(
                FactError(
                    d.path,
                    d.name_line,
                    field_name(d.loc + ("name",)),
                    f"body '{rec.id}' is named '{rec.name}' at {first[0]}:{first[1]}",
                    "give the same name, and put this one in alt_names",
                )
            )

    def type_index(self, ids: Ids) -> dict[URIRef, tuple[URIRef, ...]]:
        """Each declared resource's types, superclasses included: the context SHACL needs."""
        index = dict(self.vocab.concept_types)
        index.update(
            (ids.entity(r.kind, r.id), self.vocab.superclasses.get(r.type, (r.type,)))
            for r in self.records.values()
            if r.type is not None
        )
        return index

    def check_bodies_complete(self) -> None:
        for rec in self.records.values():
            if rec.kind == "body" and (rec.type is None or rec.name is None):
                missing = " and ".join(x for x, v in (("type", rec.type), ("name", rec.name)) if v is None)
                path, line = rec.declared_in[0]
                self.errors.append(
                    FactError(
                        path,
                        line,
                        "bodies",
                        f"body '{rec.id}' has no {missing} in any file",
                        "declare it in full in one file",
                    )
                )

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
        hint: str | None
        if other is not None:
            hint = f"'{id_}' is the id of a {other}"
        else:
            known = {k.split(":", 1)[1] for k, r in self.records.items() if r.kind in kinds}
            near = difflib.get_close_matches(id_, known, n=3, cutoff=0.6)
            hint = f"did you mean {', '.join(repr(n) for n in near)}?" if near else None
        self.errors.append(
            FactError(
                ff.path, ff.line(*loc), field_name(loc), f"no {' or '.join(kinds)} has the id '{id_}'", hint
            )
        )
        return None

    def concept(
        self, ff: FactFile, loc: tuple, value: str, what: str, scheme: dict[str, URIRef]
    ) -> URIRef | None:
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
