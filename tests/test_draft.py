"""`cspkg draft` on plain-text minutes: reproducible text, a valid draft, the reader's draft flag."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from graph_build.draft import compose_draft, draft_file, extract_document
from graph_build.draft.gazetteer import load_gazetteer
from graph_build.errors import BuildError
from graph_build.facts.reader import parse_text
from tests.fixtures import ROOT

FIXTURES = ROOT / "tests" / "data" / "draft"
WAKEFIELD = FIXTURES / "wakefield-csp-board.txt"


@pytest.fixture(scope="module")
def wakefield(national: Path) -> dict:
    return draft_file(WAKEFIELD, national)


def test_extracted_text_is_the_same_each_time_and_spans_index_it(wakefield):
    first, second = extract_document(WAKEFIELD), extract_document(WAKEFIELD)
    assert first.text == second.text
    assert wakefield["draft"]["text_sha256"] == first.source.sha256
    for body in wakefield["bodies"]:
        start, end = body["draft"]["span"]
        assert first.text[start:end], body


def test_items_and_labels_follow_the_numbered_headings():
    doc = extract_document(WAKEFIELD)
    assert [(i.number, i.title) for i in doc.items][:3] == [
        ("1", "Minutes of the Previous Meeting"),
        ("2", "Partnership Performance Report"),
        ("3", "Serious Violence Duty"),
    ]
    labels = [label for label, _, _ in doc.labels()]
    assert "header" in labels and "item 2(a)" in labels and "item 2(b)" in labels


def test_bodies_resolve_to_the_national_ids(wakefield):
    ids = {b["id"] for b in wakefield["bodies"]}
    assert {"west-yorkshire-police", "wakefield-csp", "west-yorkshire-police-and-crime-panel"} <= ids
    new = [b for b in wakefield["bodies"] if b["draft"].get("new")]
    assert all(b.get("type") for b in new)


def test_the_meeting_date_is_the_meetings_not_the_previous_or_next(wakefield):
    meeting = wakefield["meetings"][0]
    assert meeting["date"] == "2023-11-14"
    assert wakefield["source"]["date"] == "2023-11-14"


def test_people_get_their_posts_and_attendance(wakefield):
    names = {p["name"] for p in wakefield["people"]}
    assert {"Maureen Cummings", "Gary Hooks", "Jane Platt", "Sally Barnes"} <= names
    roles = {(p["holder"], p["role"]) for p in wakefield["posts"]}
    assert ("maureen-cummings", "chair") in roles and ("gary-hooks", "superintendent") in roles
    apologies = [m for m in wakefield["memberships"] if "apologies" in m.get("note", "")]
    assert {m["member"] for m in apologies} == {"jack-hemingway", "sally-barnes"}


def test_a_draft_is_a_fact_file_once_its_draft_keys_are_dropped(wakefield):
    text = yaml.safe_dump(wakefield, sort_keys=False)
    with pytest.raises(BuildError) as caught:
        parse_text(text, "drafts/w.yaml")
    assert "draft" in str(caught.value.errors[0]) and "--draft" in str(caught.value.errors[0])
    ff = parse_text(text, "drafts/w.yaml", draft=True)
    assert ff.doc.source.id == wakefield["source"]["id"]
    assert "draft" not in ff.raw


def test_cspkg_draft_writes_a_draft_that_cspkg_validate_accepts(cspkg, national, tmp_path):
    out = tmp_path / "drafts" / "wakefield.yaml"
    result = cspkg("draft", str(WAKEFIELD), "-o", str(out), "--data", str(national))
    assert result.exit_code == 0, result.output
    data = tmp_path / "full"
    shutil.copytree(ROOT / "data", data)
    checked = cspkg("validate", "--draft", str(out), "--data", str(data), "--quiet")
    assert checked.exit_code == 0, checked.output
    plain = cspkg("validate", str(out), "--data", str(data), "--quiet")
    assert plain.exit_code == 1 and "--draft" in plain.output


def test_cspkg_draft_without_output_prints_the_draft(cspkg, national):
    result = cspkg("draft", str(WAKEFIELD), "--data", str(national))
    assert result.exit_code == 0
    assert yaml.safe_load(result.stdout)["source"]["kind"] == "minutes"


def test_the_gazetteer_leaves_out_an_excluded_source():
    with_all = load_gazetteer(ROOT / "data")
    some = next(iter(sorted((ROOT / "data" / "minutes").glob("*.yaml"))))
    without = load_gazetteer(ROOT / "data", {some.stem})
    assert len(without.bodies) <= len(with_all.bodies)
    assert compose_draft(extract_document(WAKEFIELD), without, str(WAKEFIELD))["source"]


def test_councils_are_found_as_they_name_themselves(national):
    from graph_build.draft.gazetteer import load_gazetteer

    gaz = load_gazetteer(national)
    assert "hinckley-and-bosworth-borough-council" in gaz.lookup(("hbbc",))
    assert gaz.lookup(("wakefield", "council")) == {"wakefield-metropolitan-district-council"}
    assert gaz.lookup(("blaby", "dc")) == {"blaby-district-council"}
    assert not gaz.lookup(("wakefield",))  # a bare place name is a place, not its council


def test_the_evaluation_counts_right_edited_and_added_by_hand():
    import benchmarks.draft_eval as evaluation

    curated = {
        "source": {"date": "2024-01-02"},
        "bodies": [{"id": "a"}, {"id": "b"}, {"id": "x-team", "name": "X Team", "type": "CouncilService"}],
        "posts": [{"holder": "p", "role": "chair", "body": "a"}],
        "people": [{"id": "p", "name": "Pat Smith"}],
        "observations": [{"value": -12, "unit": "percent"}, {"value": 5, "unit": "count"}],
    }
    drafted = {
        "source": {"date": "2024-01-02"},
        "bodies": [
            {"id": "a", "draft": {}},
            {"id": "c", "draft": {}},
            {"id": "x-team", "name": "X Team", "type": "PartnershipGroup", "draft": {"new": True}},
        ],
        "posts": [{"holder": "q", "role": "member", "body": "a"}],
        "people": [{"id": "q", "name": "Pat Smith"}],
        "observations": [{"value": 12, "unit": "percent"}],
    }
    tallies = evaluation.compare(curated, drafted, known={"a", "b", "c"})
    bodies, new, people, figures = (tallies[k] for k in ("bodies", "new bodies", "people", "figures"))
    assert (bodies.curated, bodies.drafted, bodies.unchanged, bodies.by_hand) == (2, 2, 1, 1)
    assert (new.matched, new.unchanged, new.edited) == (1, 0, 1)  # found, but typed otherwise
    assert (people.matched, people.unchanged) == (1, 0)  # the right person with another post
    assert (figures.matched, figures.edited, figures.by_hand) == (1, 1, 1)  # -12 drafted as 12; 5 missed
    assert tallies["meeting dates"].right() == 1.0


def test_the_evaluation_pairs_decisions_by_their_words_and_links_through_the_meeting_body():
    """A decision is paired with the drafted one sharing most of its words (not merely the first with
    the same cite); a second drafted sentence of the same decision is a piece of it, not a false
    one; the drafted meeting body stands for the curated one in links and addressees."""
    import benchmarks.draft_eval as evaluation

    def meeting(body: str, decisions: list) -> dict:
        return {"meetings": [{"body": body, "items": [{"number": "3", "decisions": decisions}]}]}

    curated = meeting(
        "x-crime-and-disorder-committee",
        [
            {"kind": "noting", "text": "Annual report noted.", "cite": "item 3"},
            {"kind": "decision", "text": "Manager to send ward figures to members.", "cite": "item 3"},
        ],
    ) | {
        "source": {},
        "links": [{"holder": "x-crime-and-disorder-committee", "held": "x-csp", "mechanism": "scrutiny"}],
    }
    drafted = meeting(
        "x-committee",
        [
            {"kind": "decision", "text": "the Manager agreed to send the ward figures", "cite": "item 3"},
            {"kind": "decision", "text": "ward figures to go to members by email", "cite": "item 3"},
            {"kind": "noting", "text": "That the annual report be noted", "cite": "item 3"},
            {"kind": "decision", "text": "Partners to meet in May", "cite": "item 4"},
        ],
    ) | {"source": {}, "links": [{"holder": "x-committee", "held": "x-csp", "mechanism": "scrutiny"}]}
    tallies = evaluation.compare(curated, drafted, known=set())
    decisions, links = tallies["decisions"], tallies["links"]
    assert (decisions.matched, decisions.unchanged, decisions.parts, decisions.drafted) == (2, 2, 1, 4)
    assert decisions.precision() == 0.75  # the action for May matches nothing curated
    assert (links.matched, links.unchanged) == (1, 1)
