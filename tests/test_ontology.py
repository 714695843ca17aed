"""The ontology is code too: it parses, every term is labelled and commented, and nothing the
shapes or a built graph use from our namespaces is missing from it."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import TypeGuard

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from graph_build import pipeline
from graph_build.config import Settings
from graph_build.namespaces import BASIS, CSP, KIND, MECH, RDF, RDFS, ROLE, SKOS, STATUS
from graph_build.store import EmbeddedStore
from graph_build.vocab import load_ontology, vocabulary_from
from tests.fixtures import GOOD_DATA, ROOT

OURS = tuple(str(ns) for ns in (CSP, ROLE, MECH, STATUS, BASIS, KIND))
ONTOLOGY_FILES = sorted((ROOT / "ontology").glob("*.ttl"))


def ours(term: object) -> TypeGuard[URIRef]:
    return isinstance(term, URIRef) and str(term).startswith(OURS)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology(ROOT / "ontology")


@pytest.fixture(scope="module")
def declared(ontology: Graph) -> set[URIRef]:
    """Terms the ontology defines: everything of ours it gives a type."""
    return {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef) and ours(s)}


def terms_used(triples: Iterable[Iterable[object]]) -> set[URIRef]:
    """Our IRIs among rdflib triples or pyoxigraph quads."""
    iris = (URIRef(t.value) if isinstance(t, ox.NamedNode) else t for triple in triples for t in triple)
    return {t for t in iris if ours(t)}


@pytest.mark.parametrize("path", ONTOLOGY_FILES, ids=lambda p: p.name)
def test_ontology_file_parses(path: Path) -> None:
    assert len(Graph().parse(path, format="turtle")) > 0


def test_ontology_defines_classes_properties_concepts_and_schemes(declared: set[URIRef]) -> None:
    assert {
        CSP.Body,
        CSP.CommunitySafetyPartnership,
        CSP.Membership,
        CSP.AccountabilityLink,  # classes
        CSP.holder,
        CSP.startDate,
        CSP.citation,  # properties
        ROLE.chair,
        MECH.scrutiny,
        STATUS.statutory,
        BASIS.statutory,
        KIND.minutes,  # concepts
        CSP.Roles,
        CSP.Mechanisms,
        CSP.Statuses,
        CSP.MembershipBases,
        CSP.DocumentKinds,  # schemes
        CSP.BodyTypes,
    } <= declared


def test_every_term_has_a_label_and_a_comment(ontology: Graph, declared: set[URIRef]) -> None:
    missing = sorted(
        f"{t} lacks {what}"
        for t in declared
        for what, prop in (("rdfs:label", RDFS.label), ("rdfs:comment", RDFS.comment))
        if ontology.value(t, prop) is None
    )
    assert missing == []


def test_the_ontology_itself_has_a_label_and_a_comment(ontology: Graph) -> None:
    assert ontology.value(URIRef(str(CSP)), RDFS.label) is not None
    assert ontology.value(URIRef(str(CSP)), RDFS.comment) is not None


def test_every_term_of_ours_it_mentions_is_defined(ontology: Graph, declared: set[URIRef]) -> None:
    """e.g. a superclass, a range or a scheme named but never defined."""
    assert sorted(terms_used(ontology) - declared - {URIRef(str(CSP))}) == []


def test_shapes_use_no_undeclared_term(declared: set[URIRef]) -> None:
    shapes = Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        shapes.parse(path, format="turtle")
    assert sorted(terms_used(shapes) - declared) == []


def _build(data: Path, store: Path) -> set[URIRef]:
    settings = Settings(data_dir=data, store_dir=store, workers=1)
    pipeline.build(settings, EmbeddedStore(store))
    return terms_used((q.subject, q.predicate, q.object) for q in EmbeddedStore(store).store())


@pytest.mark.slow
def test_real_data_uses_no_undeclared_term(declared: set[URIRef], tmp_path: Path) -> None:
    """Build data/ into a temporary store. While data/minutes has no files yet, the fixture's
    minutes stand in for them so the real registers and reference data are still built."""
    data = ROOT / "data"
    if not any((data / "minutes").glob("*.yaml")):
        data = tmp_path / "data"
        shutil.copytree(ROOT / "data", data)
        shutil.copytree(GOOD_DATA / "minutes", data / "minutes", dirs_exist_ok=True)
    assert sorted(_build(data, tmp_path / "store") - declared) == []


def test_fixture_data_uses_no_undeclared_term(declared: set[URIRef], tmp_path: Path) -> None:
    """The fixture uses every section of the fact format, so every term the converter writes."""
    assert sorted(_build(GOOD_DATA, tmp_path / "store") - declared) == []


def _doc_list(heading: str) -> list[str]:
    """The names listed after '**heading**' in docs/fact-format.md's Vocabularies section."""
    text = (ROOT / "docs" / "fact-format.md").read_text()
    block = text.split(f"**{heading}**", 1)[1].split("\n\n", 1)[0]
    block = block.split(":", 1)[1]
    block = re.sub(r"\([^)]*\)", "", block.split("(and,")[0])  # drop remarks in brackets
    return [w.strip(" .\n") for w in block.split(",") if w.strip(" .\n")]


@pytest.mark.parametrize(
    "heading, lookup",
    [
        ("Body types", "body_classes"),
        ("Roles", "roles"),
        ("Mechanisms", "mechanisms"),
        ("Statuses", "statuses"),
    ],
)
def test_the_fact_format_lists_only_terms_the_ontology_knows(
    ontology: Graph, heading: str, lookup: str
) -> None:
    known = getattr(vocabulary_from(ontology), lookup)
    names = _doc_list(heading)
    assert names, heading
    assert sorted(n for n in names if n not in known) == []


def test_every_concept_is_in_a_declared_scheme_with_a_notation(
    ontology: Graph, declared: set[URIRef]
) -> None:
    for concept in ontology.subjects(SKOS.inScheme, None):
        scheme = ontology.value(concept, SKOS.inScheme)
        assert scheme in declared, f"{concept} is in an undeclared scheme {scheme}"
        assert ontology.value(concept, SKOS.notation) is not None, f"{concept} has no skos:notation"
