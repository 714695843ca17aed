"""The published JSON-LD @context (api/static/context.jsonld) and the keys it gives predicates.

The context is a file under version control, served at /context.jsonld: keys change only with
it. Views write their JSON with these keys, so every view is JSON-LD that expands to the
statements the store holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CONTEXT_PATH = Path(__file__).resolve().parent / "static" / "context.jsonld"
CSP_NS = "https://w3id.org/cspkg/def#"


@cache
def context_document() -> dict:
    """The whole context document ({"@context": {...}})."""
    document: dict = json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))
    return document


def context() -> dict:
    terms: dict = context_document()["@context"]
    return terms


def expand(value: str, ctx: dict | None = None) -> str:
    """A compact IRI (prefix:local) or term of the context as a full IRI."""
    ctx = ctx or context()
    prefix, sep, local = value.partition(":")
    if sep and not local.startswith("//") and isinstance(ctx.get(prefix), str):
        return str(ctx[prefix]) + local
    return value


@dataclass(frozen=True)
class Key:
    """The JSON key of a predicate, and whether its value is always a list."""

    name: str
    is_set: bool = False


@dataclass(frozen=True)
class TermMap:
    """Predicate IRI → JSON key, from the context (reverse terms are not predicates' keys)."""

    forward: dict[str, Key]
    language: dict[tuple[str, str], Key]  # (predicate, language) → key with that @language
    prefixes: dict[str, str]  # namespace IRI → prefix

    def key(self, predicate: str, language: str | None = None) -> Key:
        if language and (predicate, language) in self.language:
            return self.language[(predicate, language)]
        found = self.forward.get(predicate)
        if found is not None:
            return found
        if predicate.startswith(CSP_NS) and predicate[len(CSP_NS) :].isidentifier():
            return Key(predicate[len(CSP_NS) :])  # @vocab
        return Key(predicate)  # an absolute IRI is a key too

    def compact(self, iri: str) -> str:
        """xsd:date for http://www.w3.org/2001/XMLSchema#date, or the IRI itself."""
        for ns, prefix in self.prefixes.items():
            if iri.startswith(ns) and iri[len(ns) :].isidentifier():
                return f"{prefix}:{iri[len(ns) :]}"
        return iri


@cache
def term_map() -> TermMap:
    ctx = context()
    forward: dict[str, Key] = {}
    language: dict[tuple[str, str], Key] = {}
    prefixes: dict[str, str] = {}
    for term, definition in ctx.items():
        if term.startswith("@"):
            continue
        if isinstance(definition, str):
            if definition.endswith(("#", "/")):
                prefixes[definition] = term
                continue
            if definition.startswith("@"):
                continue
            forward.setdefault(expand(definition, ctx), Key(term))
            continue
        if "@reverse" in definition or "@id" not in definition:
            continue
        iri = expand(definition["@id"], ctx)
        key = Key(term, definition.get("@container") == "@set")
        if "@language" in definition:
            language[(iri, definition["@language"])] = key
        else:
            forward.setdefault(iri, key)
    return TermMap(forward, language, prefixes)
