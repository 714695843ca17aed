"""What every view needs: the store, URI minting, the vocabulary, shaping and paging."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from graph_build.namespaces import Ids
from graph_build.store.base import GraphStore

from ..problems import Problem
from ..queries import load
from .shape import Shaper
from .vocab import Vocab

CSP = "https://w3id.org/cspkg/def#"
MATERIALISED = frozenset(
    {
        "oversees",
        "scrutinises",
        "holdsToAccount",
        "receivesReportsFrom",
        "contractManages",
        "commissions",
        "funds",
        "inspects",
        "appoints",
        "governs",
        "cooperatesWith",
        "memberOf",
        "holds",
    }
)
DATES = ("startDate", "startNotBefore", "startNotAfter", "endDate", "endNotBefore", "endNotAfter")
# A key is made of what a URI path may hold unescaped (ids are lower-case words and hyphens):
# anything else (a space, a non-character such as U+FFFF, other non-ASCII) names no resource.
_GOOD_KEY = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@/-]+")
_BAD_KEY = re.compile(r"//|^/|/$")
_KIND = re.compile(r"[a-z][a-z-]*")
_CHUNK = 500


_NO_NAME = (None, None)


class KeptNames:
    """The names and titles found for the served build's resources, shared by the views of one
    process: what a body points to (sources, roles, other bodies, people) recurs from view to view."""

    MAX_ENTRIES = 100_000

    def __init__(self) -> None:
        self._kept: tuple[str, dict[str, tuple]] = ("", {})

    def for_build(self, build_id: str) -> dict[str, tuple]:
        build, names = self._kept
        if build != build_id or len(names) > self.MAX_ENTRIES:  # a new build, or too many: start again
            names = {}
            self._kept = (build_id, names)
        return names


@dataclass(frozen=True)
class PageRequest:
    """Which page of a list: 1-based number and size."""

    number: int = 1
    size: int = 50

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


@dataclass
class ViewContext:
    """One request's access to the graph, store-agnostic."""

    store: GraphStore
    ids: Ids
    vocab: Vocab
    shaper: Shaper
    link: Callable[[str], str]  # API path (with query) → absolute URL
    ontology_dir: Path  # the build's ontology: which links count as oversight
    names: dict[str, tuple] | None = None  # IRI → (name, title) found before for this build (KeptNames)

    def uri(self, kind: str, key: str) -> URIRef:
        """The URI of a resource; keys that cannot be part of one are not found."""
        if not _KIND.fullmatch(kind) or not _GOOD_KEY.fullmatch(key) or _BAD_KEY.search(key):
            raise Problem(404, "not-found", f"no {kind} has the id '{key}'")
        return self.ids.entity(kind, key)

    def key_of(self, uri: str) -> tuple[str, str] | None:
        return self.ids.key_of(uri)

    def describe(self, iris: Iterable[str], **kwargs: Any) -> dict[str, dict]:
        """Node objects of the given resources (see Shaper.nodes for kwargs)."""
        iris = list(dict.fromkeys(str(i) for i in iris))
        rows = []
        for start in range(0, len(iris), _CHUNK):
            chunk = [URIRef(i) for i in iris[start : start + _CHUNK]]
            rows.extend(self.store.select(load("describe"), {"s": chunk}))
        return self.shaper.nodes(rows, self.labels(r["o"] for r in rows), **kwargs)

    def node_of(self, kind: str, key: str, cls: str, **kwargs: Any) -> tuple[str, dict]:
        """The IRI and node object of one resource of the ontology class `cls`: 404 when the key
        names none (kwargs as for describe)."""
        iri = str(self.uri(kind, key))
        node = self.describe([iri], **kwargs).get(iri)
        if node is None or cls not in node.get("type", []):
            raise Problem(404, "not-found", f"no {kind} has the id '{key}'")
        return iri, node

    def page_of(
        self, query: str, bindings: dict, column: str, page: PageRequest, **kwargs: Any
    ) -> tuple[list[dict], int]:
        """One page of what a list query finds (its `column`, in the query's order) as node objects,
        and how many it finds in all (kwargs as for describe)."""
        total = self.store.count(query, bindings)
        rows = self.store.select(query, bindings, limit=page.size, offset=page.offset)
        iris = [str(r[column]) for r in rows]
        nodes = self.describe(iris, **kwargs)
        return [nodes.get(i, {"id": i}) for i in iris], total

    def concept(self, scheme: str, parameter: str, notation: str | None, what: str) -> URIRef | None:
        """The concept of a code list a query parameter names by its notation (None when not
        given): 400 invalid-parameter, with the notations allowed, when it names none."""
        if not notation:
            return None
        found = self.vocab.concept_by_notation(scheme, notation)
        if found is None:
            raise Problem(
                400,
                "invalid-parameter",
                f"{parameter}: '{notation}' is not a {what}; one of: {', '.join(self.vocab.notations(scheme))}",
                errors=[{"parameter": parameter, "in": "query", "rule": f"unknown {what}"}],
            )
        return URIRef(found.iri)

    def labels(self, terms: Iterable) -> dict[str, tuple]:
        """IRI → (name, title) of the IRIs among `terms` that have either (code-list concepts
        are known already; names found before for this build are not looked up again)."""
        known = self.names if self.names is not None else {}
        iris = dict.fromkeys(
            str(t) for t in terms if isinstance(t, URIRef) and str(t) not in self.vocab.concepts
        )
        found = {iri: known[iri] for iri in iris if iri in known}
        missing = [iri for iri in iris if iri not in found]
        for start in range(0, len(missing), _CHUNK):
            chunk = [URIRef(i) for i in missing[start : start + _CHUNK]]
            for row in self.store.select(load("labels"), {"o": chunk}):
                name, title = found.get(str(row["o"]), (None, None))
                found[str(row["o"])] = (name or row.get("name"), title or row.get("title"))
        for iri in missing:
            known[iri] = found.get(iri, _NO_NAME)
        return {iri: names for iri, names in found.items() if names is not _NO_NAME}

    def types_of(self, iri: str) -> list[str]:
        return [str(r["type"]) for r in self.store.select(load("resource_types"), {"s": URIRef(iri)})]

    def require(self, iri: str, cls: str, what: str, key: str) -> None:
        """404 unless the store holds a resource of this class (or below) under this URI."""
        if not any(self.vocab.is_a(t, CSP + cls) for t in self.types_of(iri)):
            raise Problem(404, "not-found", f"no {what} has the id '{key}'")


def date_literal(value: date | None) -> Literal | None:
    return Literal(value.isoformat(), datatype=XSD.date) if value is not None else None


def text_literal(value: str | None) -> Literal | None:
    """A search text, lower-cased as the queries expect; blank means no filter."""
    return Literal(value.strip().lower()) if value and value.strip() else None


def collection(
    self_url: str,
    page_url: Callable[[int], str],
    items: Sequence[dict],
    total: int,
    page: PageRequest,
    **extra: Any,
) -> dict:
    """A hydra:Collection with honest totals and first / previous / next / last page links."""
    last = max(1, math.ceil(total / page.size))
    view = {
        "id": page_url(page.number),
        "type": "PartialCollectionView",
        "first": page_url(1),
        "last": page_url(last),
    }
    if page.number > 1:
        view["previous"] = page_url(min(page.number - 1, last))
    if page.number < last:
        view["next"] = page_url(page.number + 1)
    return {
        "id": self_url,
        "type": "Collection",
        "totalItems": total,
        **extra,
        "view": view,
        "results": list(items),
    }


def drop(node: dict, *keys: str) -> dict:
    """The node without some keys (e.g. the link back to the resource a view is about)."""
    return {k: v for k, v in node.items() if k not in keys}
