"""SHACL validation: the plain-Python checks (shacl_core) and the pyshacl fast path (shapes harvested
once, prepared SPARQL, own focus nodes) report exactly what plain pyshacl reports, filtered to the
nodes a source states; forked workers find what one process finds."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.query import ResultRow
from rdflib.term import Node

from graph_build import pipeline, shacl
from graph_build.config import Settings
from graph_build.namespaces import CSP, ORG, RDF, XSD, Ids
from graph_build.progress import Reporter
from graph_build.triples import SourceGraph
from tests.fixtures import GOOD_DATA, ROOT, STRICT_SHAPES

GYEAR = URIRef("http://www.w3.org/2001/XMLSchema#gYear")


@pytest.fixture(scope="module")
def compiled():
    settings = Settings(data_dir=GOOD_DATA, workers=1)
    reporter = Reporter()
    out = pipeline.compile_files(pipeline.read_inputs(settings, reporter), settings, reporter)
    return out, out.registry.type_index(Ids(settings.base_uri))


@pytest.fixture(scope="module")
def minutes(compiled):
    return next(sg for sg in compiled[0].graphs if "minutes" in sg.file)


def node(sg: SourceGraph, kind: str) -> URIRef:
    return next(n for n in sg.places if f"/{kind}/" in str(n))


def broken(sg, drop=(), add=()):
    """A copy of a source graph with some triples removed and others added."""
    triples = [
        t
        for t in sg.triples
        if not any(all(x is None or x == y for x, y in zip(d, t, strict=False)) for d in drop)
    ]
    return replace(sg, triples=triples + list(add))


def every_way(sg, types, shapes_dir=ROOT / "shapes"):
    """The errors found by the plain-Python checks, by pyshacl driven by ShapeSet, by pyshacl.validate."""
    key = lambda e: (e.line or 0, e.field, e.rule, e.hint)
    engines = (
        shacl.shape_set(shapes_dir),
        shacl.ShapeSet(shacl.load_shapes(shapes_dir), compile_checks=False),
        shacl.load_shapes(shapes_dir),
    )
    return [sorted(shacl.validate_graph(sg, types, shapes), key=key) for shapes in engines]


def both_ways(sg, types):
    core, harvested, plain = every_way(sg, types)
    assert harvested == plain
    return core, plain


def test_the_project_shapes_run_as_plain_python_checks():
    assert shacl.shape_set(ROOT / "shapes").core is not None


def test_good_graphs_conform_both_ways(compiled):
    graphs, types = compiled[0].graphs, compiled[1]
    for sg in graphs:
        assert both_ways(sg, types) == ([], [])


CASES = [
    "missing basis",
    "date of the wrong type",
    "member not a body or person",
    "end before start",
    "two titles",
    "source of the wrong class",
    "basis not in the list",
    "two legal bases (no message)",
    "legislation not an IRI",
    "bad GSS code",
    "item in two meetings",
    "attendee a literal",
    "ill-typed date",
    "end before start of a range",
    "value not a decimal",
]


@pytest.mark.parametrize("case", CASES)
def test_the_fast_paths_report_what_pyshacl_reports(compiled, minutes, case):
    types = compiled[1]
    membership, item = node(minutes, "membership"), next(n for n in minutes.places if "/item/" in str(n))
    post, source, link = node(minutes, "post"), minutes.source, node(minutes, "link")
    body, meeting, observation = node(minutes, "body"), node(minutes, "meeting"), node(minutes, "observation")
    gyear_month = URIRef("http://www.w3.org/2001/XMLSchema#gYearMonth")
    ranged = next(s for s, p, _ in minutes.triples if p == CSP.startNotBefore)
    sg = {
        "missing basis": lambda: broken(minutes, drop=[(membership, CSP.basis, None)]),
        "date of the wrong type": lambda: broken(minutes, add=[(post, CSP.endDate, Literal("soon"))]),
        "member not a body or person": lambda: broken(
            minutes, drop=[(membership, ORG.member, None)], add=[(membership, ORG.member, source)]
        ),
        "end before start": lambda: broken(
            minutes, add=[(post, CSP.endDate, Literal("2010", datatype=GYEAR))]
        ),
        "two titles": lambda: broken(
            minutes, add=[(item, URIRef("http://purl.org/dc/terms/title"), Literal("Again"))]
        ),
        "source of the wrong class": lambda: broken(minutes, drop=[(source, RDF.type, CSP.SourceDocument)]),
        "basis not in the list": lambda: broken(
            minutes, drop=[(membership, CSP.basis, None)], add=[(membership, CSP.basis, CSP.Body)]
        ),
        "two legal bases (no message)": lambda: broken(
            minutes, add=[(link, CSP.legalBasis, Literal("one")), (link, CSP.legalBasis, Literal("two"))]
        ),
        "legislation not an IRI": lambda: broken(minutes, add=[(link, CSP.legislation, Literal("s.5"))]),
        "bad GSS code": lambda: broken(minutes, add=[(body, CSP.gssCode, Literal("E0600009"))]),
        "item in two meetings": lambda: broken(minutes, add=[(body, CSP.agendaItem, item)]),
        "attendee a literal": lambda: broken(minutes, add=[(meeting, CSP.attendee, Literal("Jo"))]),
        "ill-typed date": lambda: broken(
            minutes, add=[(post, CSP.endDate, Literal("2019-02-30", datatype=XSD.date))]
        ),
        "end before start of a range": lambda: broken(
            minutes, add=[(ranged, CSP.endNotAfter, Literal("2011-06", datatype=gyear_month))]
        ),
        "value not a decimal": lambda: broken(
            minutes, drop=[(observation, CSP.value, None)], add=[(observation, CSP.value, Literal("many"))]
        ),
    }[case]()
    fast, plain = both_ways(sg, types)
    assert fast, "the broken graph must not conform"
    assert fast == plain
    assert all(e.file == minutes.file and e.line for e in fast)


def test_referenced_resources_are_not_reported_with_the_source_that_mentions_them(compiled, minutes):
    """A body declared elsewhere is typed for sh:class checks but not validated here."""
    register = next(sg for sg in compiled[0].graphs if "registers" in sg.file)
    home_office = Ids("https://w3id.org/cspkg/").body("home-office")
    mention = broken(minutes, add=[(node(minutes, "link"), CSP.held, home_office)])
    assert home_office in shacl.referenced(mention) and home_office not in mention.places
    fast, plain = both_ways(mention, compiled[1])
    assert fast == plain
    assert all("home-office" not in (e.hint or "") for e in fast)
    assert register.places.get(home_office)


def test_prepared_queries_answer_like_rdflib(minutes):
    query = "SELECT ?s WHERE { ?s a csp:Membership } ORDER BY ?s"
    prepared, plain = shacl.PreparedQueryGraph(), Graph()
    for t in minutes.triples:
        prepared.add(t)
        plain.add(t)
    ns = {"csp": CSP}

    def subjects(graph: Graph) -> list[Node]:
        return [row.s for row in graph.query(query, initNs=ns) if isinstance(row, ResultRow)]

    assert subjects(prepared) == subjects(plain)
    shacl._prepared.cache_clear()
    for _ in range(3):
        prepared.query(query, initNs=ns)
    assert shacl._prepared.cache_info().hits == 2


def test_forked_workers_find_the_same_problems_as_one_process(compiled, minutes):
    types = compiled[1]
    bad = broken(minutes, drop=[(node(minutes, "membership"), CSP.basis, None)])
    graphs = [minutes] * 6 + [bad] * 3 + list(compiled[0].graphs)
    serial = shacl.validate_graphs(graphs, ROOT / "shapes", types, workers=1)
    done: list[int] = []
    parallel = shacl.validate_graphs(graphs, ROOT / "shapes", types, workers=2, on_done=done.append)
    assert len(serial) == 3 and parallel == serial
    assert sum(done) == len(graphs)


def test_shapes_are_read_again_when_they_change(tmp_path):
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    (shapes / "a.ttl").write_text((ROOT / "shapes" / "cspkg-shapes.ttl").read_text())
    first = shacl.shape_set(shapes)
    assert shacl.shape_set(shapes) is first
    (shapes / "b.ttl").write_text((STRICT_SHAPES).read_text())
    assert shacl.shape_set(shapes) is not first


def test_no_shapes_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        shacl.load_shapes(tmp_path)


def test_validate_one_file_again_in_one_process_sees_the_change(
    good_data: Path, good_minutes: Path, tmp_path: Path
) -> None:
    settings = Settings(data_dir=good_data, workers=1, cache_dir=tmp_path / "cache")
    assert pipeline.validate(settings, [good_minutes]).graphs
    good_minutes.write_text(
        good_minutes.read_text().replace("    held: testshire-asb-group\n", "    held: testshire-asb-grp\n")
    )
    with pytest.raises(Exception) as exc:
        pipeline.validate(settings, [good_minutes])
    assert "no body or initiative or person has the id 'testshire-asb-grp'" in str(exc.value)


@pytest.mark.slow
def test_the_real_data_conforms_with_pyshacl_as_with_the_plain_checks():
    """pyshacl, the reference, validates the curated and national data as the default engine does."""
    settings = Settings(workers=2)
    reporter = Reporter()
    out = pipeline.compile_files(pipeline.read_inputs(settings, reporter), settings, reporter)
    types = out.registry.type_index(Ids(settings.base_uri))
    found = {
        engine: shacl.validate_graphs(out.graphs, settings.shapes_dir, types, workers=2, engine=engine)
        for engine in ("compiled", "pyshacl")
    }
    assert found == {"compiled": [], "pyshacl": []}
