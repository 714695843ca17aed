"""`cspkg accept DRAFT`: a draft reviewed by hand goes into data/minutes/ without the browser,
stripped of its draft keys and spans, checked, in the house style the review app writes; refused,
with the draft's file, line and field, when it breaks a rule; published with --publish."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from graph_build import pipeline
from graph_build.config import Settings
from graph_build.curate.review import house_style
from graph_build.draft import draft_file, write_draft
from graph_build.store import EmbeddedStore
from tests.fixtures import NATIONAL_MINUTES, ROOT

SEED = ROOT / "tests" / "data" / "draft" / "wakefield-csp-board.txt"
TARGET = "minutes/wakefield-csp-2023-11-14.yaml"


@pytest.fixture
def data(national: Path, tmp_path: Path) -> Path:
    """A private copy of the national layer, with a draft of the test minutes in data/drafts/."""
    dest = tmp_path / "data"
    shutil.copytree(national, dest)
    write_draft(draft_file(SEED, dest), dest / "drafts" / "wakefield.yaml")
    return dest


def reviewed(draft: Path) -> dict:
    """The draft as a curator leaves it: figures and the concern rejected, decisions restated."""
    doc = yaml.safe_load(draft.read_text())
    for section in ("observations", "concerns"):
        for entry in doc[section]:
            entry["draft"]["rejected"] = True
    for item in doc["meetings"][0]["items"]:
        for n, decision in enumerate(item.get("decisions", [])):
            decision["text"] = f"The board agreed point {n + 1} of item {item['number']} (our words)."
    write_draft(doc, draft)
    return doc


def test_a_draft_still_worded_as_the_minutes_is_refused_at_its_lines(cspkg, data):
    draft = data / "drafts" / "wakefield.yaml"
    result = cspkg("accept", draft, "--data", data, "--quiet")
    assert result.exit_code == 1
    lines = draft.read_text().splitlines()
    problems = [line for line in result.stderr.splitlines() if "worded as in the minutes" in line]
    assert len(problems) >= 5
    for problem in problems:  # each names the draft, a line holding that field, and the field
        place, field = problem.strip().split(": ")[:2]
        number = int(place.rsplit(":", 1)[1])
        assert place.startswith(str(draft)) and field.rsplit(".", 1)[-1] in lines[number - 1]
    assert "concerns[0].statement" in result.stderr
    assert not (data / TARGET).exists()  # nothing written


def test_a_reviewed_draft_is_written_in_house_style_without_draft_keys(cspkg, data):
    draft = data / "drafts" / "wakefield.yaml"
    doc = reviewed(draft)
    result = cspkg("accept", draft, "--data", data, "--quiet")
    assert result.exit_code == 0, result.output
    written = (data / TARGET).read_text()
    assert "draft:" not in written and "span" not in written and "confidence" not in written
    assert written.startswith("# ") and "# -- bodies --" in written
    facts = yaml.safe_load(written)
    assert "observations" not in facts and "concerns" not in facts  # rejected
    assert len(facts["bodies"]) == len(doc["bodies"]) and len(facts["links"]) == len(doc["links"])
    assert f"{len(doc['observations']) + len(doc['concerns'])} left out" in result.stderr
    # the same writer as the review app's
    assert written == house_style(facts, str(SEED))
    assert cspkg("validate", data / TARGET, "--data", data, "--quiet").exit_code == 0


def test_low_confidence_entries_are_left_out_only_when_asked(cspkg, data):
    draft = data / "drafts" / "wakefield.yaml"
    doc = reviewed(draft)
    doc["initiatives"][0]["draft"]["confidence"] = 0.3  # as a curator would doubt one
    write_draft(doc, draft)
    assert cspkg("accept", draft, "--data", data, "-q").exit_code == 0
    assert len(yaml.safe_load((data / TARGET).read_text())["initiatives"]) == len(doc["initiatives"])
    # the file is there now: replacing it is asked for, not assumed
    again = cspkg("accept", draft, "--data", data, "-q", "--min-confidence", "0.35")
    assert again.exit_code == 1 and "--replace" in again.stderr
    result = cspkg("accept", draft, "--data", data, "-q", "--min-confidence", "0.35", "--replace")
    assert result.exit_code == 0, result.output
    initiatives = yaml.safe_load((data / TARGET).read_text())["initiatives"]
    assert [i["id"] for i in initiatives] == [i["id"] for i in doc["initiatives"][1:]]


def test_a_broken_reference_is_refused_by_field_and_line(cspkg, data):
    draft = data / "drafts" / "wakefield.yaml"
    doc = reviewed(draft)
    doc["links"][0]["holder"] = "no-such-body-anywhere"
    write_draft(doc, draft)
    result = cspkg("accept", draft, "--data", data, "-q")
    assert result.exit_code == 1 and "no-such-body-anywhere" in result.stderr
    line = next(n for n, text in enumerate(draft.read_text().splitlines(), 1) if "no-such-body" in text)
    assert f"{draft}:{line}: links[0].holder" in result.stderr
    assert not (data / TARGET).exists()


def test_not_a_draft_is_refused(cspkg, data, tmp_path):
    plain = tmp_path / "plain.yaml"
    plain.write_text("source: {id: x}\n")
    result = cspkg("accept", plain, "--data", data, "-q")
    assert result.exit_code == 1 and "not a draft" in result.stderr


def test_publish_serves_the_accepted_facts(cspkg, data, tmp_path):
    store = tmp_path / "store"
    shutil.rmtree(data / "minutes")
    shutil.copytree(NATIONAL_MINUTES, data / "minutes")  # a build has minutes to serve
    pipeline.build(Settings(data_dir=data, store_dir=store, store=None), EmbeddedStore(store))
    draft = data / "drafts" / "wakefield.yaml"
    reviewed(draft)
    result = cspkg("accept", draft, "--data", data, "--store", store, "-q", "--publish")
    assert result.exit_code == 0, result.output
    assert "published as build" in result.stderr
    graph = "https://w3id.org/cspkg/graph/wakefield-csp-2023-11-14"
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    assert int(next(iter(EmbeddedStore(store).query(count)))["n"].value) > 50


def test_a_rejected_decision_is_left_out_and_later_lines_still_point_right(cspkg, data):
    draft = data / "drafts" / "wakefield.yaml"
    doc = reviewed(draft)
    items = doc["meetings"][0]["items"]
    dropped = items[1]["decisions"][0]
    dropped["draft"]["rejected"] = True
    items[1]["decisions"][1]["kind"] = "recommendation"  # with no 'to': refused
    write_draft(doc, draft)
    result = cspkg("accept", draft, "--data", data, "-q")
    assert result.exit_code == 1 and "needs 'to'" in result.stderr
    lines = draft.read_text().splitlines()
    line = int(result.stderr.split(f"{draft}:")[1].split(":")[0])
    assert "kind: recommendation" in lines[line - 1]  # the refused decision's own line
    items[1]["decisions"][1]["kind"] = "resolution"
    write_draft(doc, draft)
    assert cspkg("accept", draft, "--data", data, "-q").exit_code == 0
    written = yaml.safe_load((data / TARGET).read_text())["meetings"][0]["items"][1]["decisions"]
    assert [d["text"] for d in written] == [d["text"] for d in items[1]["decisions"][1:]]


def test_a_review_kept_by_the_app_goes_on_when_opened_again_and_accepts_the_same(cspkg, data):
    """The review app keeps each change in the draft (accepted: true / rejected: true, the entry
    as edited); opened again the review goes on, and `cspkg accept --accepted-only` writes what
    the app's own save writes."""
    from graph_build.curate import Refused
    from graph_build.curate.run import open_review

    settings = Settings(data_dir=data, store=None)
    draft = data / "drafts" / "wakefield.yaml"
    review = open_review(settings, draft)
    for card in review.cards:
        try:
            review.change(card.id, state="accepted")
        except Refused:
            review.change(card.id, state="rejected")  # still worded as the minutes
    initiative = next(c for c in review.cards if c.kind == "initiatives" and c.state == "accepted")
    review.change(initiative.id, state="rejected")
    kept = yaml.safe_load(draft.read_text())
    assert kept["initiatives"][0]["draft"]["rejected"] is True and "span" in kept["initiatives"][0]["draft"]
    assert kept["draft"]["input"] == str(SEED)

    again = open_review(settings, draft)
    assert [(c.kind, c.state, c.entry) for c in again.cards] == [
        (c.kind, c.state, c.entry) for c in review.cards
    ]
    review.write()
    by_app = (data / TARGET).read_text()
    result = cspkg("accept", draft, "--data", data, "-q", "--accepted-only", "--replace")
    assert result.exit_code == 0, result.output
    assert (data / TARGET).read_text() == by_app
