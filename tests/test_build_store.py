"""Publishing into the embedded store: the N-Quads the build streams to Oxigraph keep every term."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef

from graph_build.config import Settings
from graph_build.store import BuildInfo, EmbeddedStore, RemoteStore, open_store
from graph_build.store.terms import to_rdflib

XSD = "http://www.w3.org/2001/XMLSchema#"


def test_every_kind_of_term_comes_back_as_it_went_in(tmp_path):
    s, p, g = (
        URIRef("https://example.org/s"),
        URIRef("https://example.org/p"),
        URIRef("https://example.org/g"),
    )
    objects = [
        Literal('a "quoted" \\ back\\slash'),
        Literal("two\nlines\r\nand a\ttab"),
        Literal("Caerdydd", lang="cy"),
        Literal("2015-05", datatype=URIRef(XSD + "gYearMonth")),
        Literal("20.5", datatype=URIRef(XSD + "decimal")),
        Literal("Ynys Môn — ✓"),
        URIRef("https://example.org/o?x=1&y=2#frag"),
    ]
    store = EmbeddedStore(tmp_path / "store")
    store.publish(
        {g: [(s, p, o) for o in objects], URIRef("https://example.org/h"): [(s, p, objects[0])]},
        BuildInfo("b1", "2026-01-01T00:00:00+00:00", "h"),
    )
    got = {
        to_rdflib(q.object)
        for q in store.store().quads_for_pattern(None, None, None, None)
        if q.graph_name == ox.NamedNode(str(g))
    }
    assert got == set(objects)
    assert len(store.store()) == len(objects) + 1


def test_blank_nodes_are_loaded(tmp_path):
    store = EmbeddedStore(tmp_path / "store")
    store.publish(
        {URIRef("https://example.org/g"): [(BNode("b0"), URIRef("https://example.org/p"), Literal("x"))]},
        BuildInfo("b1", "2026-01-01T00:00:00+00:00", "h"),
    )
    assert len(store.store()) == 1


def test_a_remote_store_needs_an_endpoint(tmp_path):
    settings = Settings(store=None, store_dir=tmp_path / "store")
    with pytest.raises(ValueError, match="CSPKG_STORE"):
        RemoteStore.from_settings(settings)
    assert isinstance(open_store(settings), EmbeddedStore)
