"""The benchmark's synthetic data is in the real fact format: it builds without a problem."""

from __future__ import annotations

from pathlib import Path

from benchmarks.synth import generate
from graph_build import pipeline
from graph_build.config import Settings


def test_synthetic_data_validates_and_has_about_the_size_asked(tmp_path: Path) -> None:
    made = generate(tmp_path / "data", 12_000, seed=3)
    assert made["minutes"] > 0 and made["areas"] == 1
    compiled = pipeline.validate(Settings(data_dir=tmp_path / "data", workers=1))
    triples = sum(len(g.triples) for g in compiled.graphs)
    assert 6_000 < triples < 18_000
    used = {k for g in compiled.graphs for k in g.counts}
    assert {
        "body",
        "person",
        "Post",
        "Membership",
        "AccountabilityLink",
        "Meeting",
        "AgendaItem",
        "PerformanceObservation",
    } <= used
    assert used & {"Gap", "Concern", "ContestedClaim", "OpenQuestion"}


def test_synthetic_data_is_the_same_for_the_same_seed(tmp_path: Path) -> None:
    generate(tmp_path / "a", 8_000, seed=1)
    generate(tmp_path / "b", 8_000, seed=1)
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*.yaml")}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*.yaml")}
    assert a == b
