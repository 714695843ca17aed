"""Facts → triples: what each kind of fact is typed as in the graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from graph_build import pipeline
from graph_build.config import Settings
from graph_build.namespaces import CSP, DCTERMS, RDF
from graph_build.progress import Reporter

DECISIONS = """          - kind: resolution
            text: The board resolved to publish the plan.
            cite: item 3(c)
          - kind: decision
            text: The PCC undertook to report back.
            cite: item 3(d)
"""


def types_of_decisions(data_dir: Path) -> dict[str, set]:
    settings = Settings(data_dir=data_dir, workers=1)
    reporter = Reporter()
    compiled = pipeline.compile_files(pipeline.read_inputs(settings, reporter), settings, reporter)
    minutes = next(sg for sg in compiled.graphs if "minutes" in sg.file)
    texts = {s: str(o) for s, p, o in minutes.triples if p == DCTERMS.description}
    types: dict[str, set] = {}
    for s, p, o in minutes.triples:
        if p == RDF.type and s in texts:
            types.setdefault(texts[s], set()).add(o)
    return types


@pytest.mark.parametrize(
    "text, expected, not_expected",
    [
        ("The board resolved to publish the plan.", CSP.Resolution, None),
        ("The PCC undertook to report back.", CSP.Decision, CSP.Resolution),
        ("Ask the council to match the grant.", CSP.Recommendation, CSP.Resolution),
        ("The board noted the grant report.", CSP.Noting, CSP.Resolution),
    ],
)
def test_each_kind_of_decision_has_its_own_class(
    good_data: Path, good_minutes: Path, text: str, expected: URIRef, not_expected: URIRef | None
) -> None:
    fact_text = good_minutes.read_text()
    anchor = "            cite: item 3(b)\n"
    good_minutes.write_text(fact_text.replace(anchor, anchor + DECISIONS, 1))
    types = types_of_decisions(good_data)
    assert expected in types[text]
    assert CSP.Decision in types[text] or expected == CSP.Decision
    assert not_expected is None or not_expected not in types[text]
