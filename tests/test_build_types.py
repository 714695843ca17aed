"""Paths mypy showed unchecked: a body missing from the registry, a mechanism with no direct
property, serialised answers that are always bytes, and the store method both stores override."""

from __future__ import annotations

import dataclasses
import inspect
from typing import cast

import pyoxigraph as ox
import pytest

from graph_build.errors import BuildError
from graph_build.facts.reader import read_fact_file
from graph_build.namespaces import CSP, Ids
from graph_build.resolve import Registry, build_registry
from graph_build.store.answers import SparqlAnswers, _solutions
from graph_build.store.embedded import EmbeddedStore
from graph_build.store.remote import RemoteStore, _ntriples
from graph_build.triples import Converter
from graph_build.vocab import vocabulary
from tests.fixtures import GOOD_DATA, GOOD_MINUTES, ROOT

BASE = "https://w3id.org/cspkg/"


def _good():
    vocab = vocabulary(ROOT / "ontology")
    files = [read_fact_file(p) for p in sorted(GOOD_DATA.rglob("*.yaml"))]
    return vocab, files, next(f for f in files if str(f.path).endswith(GOOD_MINUTES))


def test_a_body_the_registry_lacks_is_a_clear_error_not_a_crash():
    vocab, _, minutes = _good()
    with pytest.raises(BuildError) as caught:
        Converter(Registry(vocab), Ids(BASE)).convert(minutes)  # an empty registry: nothing resolved
    error = caught.value.errors[0]
    assert error.field.startswith("bodies[") and error.rule == "body not resolved" and error.line


def test_a_mechanism_without_a_direct_property_keeps_the_link_and_adds_no_partial_triple():
    vocab, files, minutes = _good()
    registry = build_registry(files, vocab)
    whole = Converter(registry, Ids(BASE)).convert(minutes).triples
    assert any(p == CSP.oversees for _, p, _ in whole)
    without = dataclasses.replace(vocab, materialised={})
    registry.vocab = without
    triples = Converter(registry, Ids(BASE)).convert(minutes).triples
    assert all(p is not None for _, p, _ in triples)  # before: (holder, None, held) reached the store
    assert {p for _, p, _ in triples} <= {p for _, p, _ in whole}
    assert any(p == CSP.oversees for _, p, _ in triples)


def test_serialised_answers_are_bytes_also_when_empty():
    assert _ntriples([]) == b""
    store = ox.Store()
    for limit in (None, 0, 5):
        body, count, truncated = _solutions(
            cast(ox.QuerySolutions, store.query("SELECT ?s WHERE { ?s ?p ?o }")),
            ox.QueryResultsFormat.JSON,
            limit,
        )
        assert isinstance(body, bytes) and count == 0 and not truncated
    subject = ox.NamedNode("https://example.org/s")
    store.add(ox.Quad(subject, subject, ox.Literal("x")))
    body, count, truncated = _solutions(
        cast(ox.QuerySolutions, store.query("SELECT ?s WHERE { ?s ?p ?o }")), ox.QueryResultsFormat.XML, 0
    )
    assert isinstance(body, bytes) and count == 0 and truncated


def test_both_stores_take_the_same_query_keywords():
    """RemoteStore._run once took fewer keywords than SparqlAnswers._run promised: the same call
    could work on one store and fail on the other."""
    expected = inspect.signature(SparqlAnswers._run).parameters
    for store in (EmbeddedStore, RemoteStore):
        assert inspect.signature(store._run).parameters.keys() == expected.keys(), store
    assert set(expected) == {
        "self",
        "text",
        "use_default_graph_as_union",
        "default_graph",
        "named_graphs",
        "base_iri",
    }


def test_a_store_answers_with_each_dataset_keyword(good_build, store_dir):
    store = EmbeddedStore(store_dir)
    graph = next(iter(store.store().named_graphs()))
    assert isinstance(graph, ox.NamedNode)
    assert store._run("ASK { ?s ?p ?o }", use_default_graph_as_union=True)
    assert store._run("ASK { ?s ?p ?o }", default_graph=[graph])
    assert not store._run("ASK { ?s ?p ?o }", default_graph=[], named_graphs=[])
    assert not store._run(
        "ASK { <x> ?p ?o }", base_iri="https://example.org/", use_default_graph_as_union=True
    )
