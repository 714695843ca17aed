"""The embedded store: pyoxigraph on disk, one folder per build, swapped in by a symlink.

A build writes a new folder beside the served one and then repoints `current` with an atomic
rename; a failed build leaves `current` untouched, and readers that opened the old build go on
reading it until they reopen.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from .base import BuildInfo, StoreUnavailable
from ..triples import Triple

KEEP_BUILDS = 2


class TermConverter:
    """rdflib terms → pyoxigraph terms, caching IRIs (most terms repeat)."""

    def __init__(self) -> None:
        self._iris: dict[str, ox.NamedNode] = {}

    def iri(self, value: str) -> ox.NamedNode:
        node = self._iris.get(value)
        if node is None:
            node = self._iris[value] = ox.NamedNode(value)
        return node

    def term(self, t):
        if isinstance(t, URIRef):
            return self.iri(str(t))
        if isinstance(t, Literal):
            if t.language:
                return ox.Literal(str(t), language=t.language)
            if t.datatype is not None:
                return ox.Literal(str(t), datatype=self.iri(str(t.datatype)))
            return ox.Literal(str(t))
        if isinstance(t, BNode):
            return ox.BlankNode(str(t))
        raise TypeError(f"not an RDF term: {t!r}")

    def quads(self, graph: URIRef, triples: Iterable[Triple]) -> Iterable[ox.Quad]:
        g = self.iri(str(graph))
        term = self.term
        for s, p, o in triples:
            yield ox.Quad(term(s), term(p), term(o), g)


class EmbeddedStore:
    """pyoxigraph store folders under `root`: builds/<id>/ and the `current` link."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._open: tuple[Path, ox.Store] | None = None

    @property
    def current_link(self) -> Path:
        return self.root / "current"

    def current_path(self) -> Path | None:
        link = self.current_link
        return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None

    # -- writing -------------------------------------------------------------------------
    def publish(self, graphs: dict[URIRef, Iterable[Triple]], info: BuildInfo) -> None:
        builds = self.root / "builds"
        builds.mkdir(parents=True, exist_ok=True)
        target = builds / info.build_id
        staging = builds / f".{info.build_id}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            store = ox.Store(str(staging))
            conv = TermConverter()
            for graph, triples in graphs.items():
                store.bulk_extend(conv.quads(graph, triples))
            store.flush()
            store.optimize()
            del store
            (staging / "cspkg-build.json").write_text(json.dumps(info.__dict__))
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        tmp_link = self.root / ".current.tmp"
        tmp_link.unlink(missing_ok=True)
        tmp_link.symlink_to(Path("builds") / info.build_id)
        os.replace(tmp_link, self.current_link)  # atomic swap
        self._prune(keep=target)

    def _prune(self, keep: Path) -> None:
        builds = sorted((p for p in (self.root / "builds").iterdir() if p.is_dir() and p != keep),
                        key=lambda p: p.stat().st_mtime, reverse=True)
        for old in builds[KEEP_BUILDS - 1:]:
            shutil.rmtree(old, ignore_errors=True)

    # -- reading -------------------------------------------------------------------------
    def build_info(self) -> BuildInfo | None:
        path = self.current_path()
        if path is None or not (path / "cspkg-build.json").exists():
            return None
        return BuildInfo(**json.loads((path / "cspkg-build.json").read_text()))

    def store(self) -> ox.Store:
        """The served build, opened read-only; reopened when a new build is swapped in."""
        path = self.current_path()
        if path is None:
            raise StoreUnavailable(f"no build in {self.root}: run 'cspkg build'")
        if self._open is None or self._open[0] != path:
            self._open = (path, ox.Store.read_only(str(path)))
        return self._open[1]

    def query(self, sparql: str, *, default_graph: list[str] | None = None,
              named_graphs: list[str] | None = None):
        kwargs: dict = {}
        if default_graph:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
        else:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        return self.store().query(sparql, **kwargs)
