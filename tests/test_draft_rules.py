"""Drafting rules for what real minutes do, each on a few lines of minutes written here: a local
copy's own header, which date is the meeting's, generic names, people and not places, action points,
section numbers, and the links minutes state."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph_build.draft import draft_file, extract_document
from tests.fixtures import ROOT


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("national") / "data"
    shutil.copytree(ROOT / "data" / "reference", data / "reference")
    shutil.copytree(ROOT / "data" / "registers", data / "registers")
    (data / "minutes").mkdir()
    return data


def draft_text(text: str, data: Path, tmp_path: Path, name: str = "minutes.txt") -> dict:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return draft_file(path, data)


COPY = """URL: https://democracy.example.gov.uk/ieListDocuments.aspx?CId=12&MId=345
What: Anytown Borough Council, minutes page of the Crime and Disorder Committee held 3 March 2021 (saved copy).

--- meeting page ---

Crime and Disorder Committee
Minutes of the meeting held on Tuesday, 9th February, 2021

1. Apologies for absence
Apologies were received from Councillor Jane Smith.
"""


def test_a_local_copys_header_is_not_part_of_the_minutes(national, tmp_path):
    path = tmp_path / "copy.txt"
    path.write_text(COPY, encoding="utf-8")
    doc = extract_document(path)
    assert "URL:" not in doc.text and "What:" not in doc.text and "---" not in doc.text
    assert doc.text.startswith("Crime and Disorder Committee")
    drafted = draft_file(path, national)
    assert drafted["source"]["url"] == "https://democracy.example.gov.uk/ieListDocuments.aspx?CId=12&MId=345"
    assert drafted["source"]["title"] == "Crime and Disorder Committee"
    assert drafted["source"]["date"] == "2021-02-09"


def test_a_url_line_later_in_the_text_is_kept():
    from graph_build.draft.textfile import strip_copy_header

    text = "Minutes\nURL: https://example.org/x\n"
    assert strip_copy_header(text) == (text, None)


FIRE_AND_HEALTH = """Bolsover District Council
Safer Communities Scrutiny Committee
Minutes of the meeting held on Monday, 7th June, 2021

1. Community safety update
The Station Manager from the Fire and Rescue Service reported on deliberate fires in Bolsover.
The representative of the Clinical Commissioning Group described mental health support.
"""


def test_fire_and_health_bodies_named_generically_are_the_ones_covering_the_district(national, tmp_path):
    """The national layer says which fire authority and CCG cover each district: a generic name
    is that body, not a proposed new one."""
    bodies = {b["id"]: b for b in draft_text(FIRE_AND_HEALTH, national, tmp_path)["bodies"]}
    assert "derbyshire-fire-and-rescue-authority" in bodies
    assert not bodies["derbyshire-fire-and-rescue-authority"]["draft"].get("new")
    ccgs = [b for b in bodies if b.endswith("-ccg")]
    assert ccgs and all("derby" in b for b in ccgs)
