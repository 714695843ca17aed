"""`cspkg draft` on each kind of input (ModernGov HTML, PDF, GetMeeting XML) and on bad input:
a clear message, a non-zero exit and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_build.draft import MAX_BYTES, DraftInputError, draft_file, extract_document
from tests.fixtures import ROOT, minutes_pdf, scanned_pdf

FIXTURES = ROOT / "tests" / "data" / "draft"
NORFOLK = FIXTURES / "norfolk-pcp-2024-02-06.html"
STOCKPORT = FIXTURES / "stockport-hwb-getmeeting.xml"
LINCOLN_TEXT = FIXTURES / "lincoln-policy-scrutiny-2024-01-23.pdf.txt"


@pytest.fixture(scope="module")
def lincoln_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return minutes_pdf(
        LINCOLN_TEXT.read_text(encoding="utf-8"), tmp_path_factory.mktemp("pdf") / "lincoln.pdf"
    )


def test_a_moderngov_page_in_windows_1252_reads_as_its_numbered_items():
    doc = extract_document(NORFOLK)
    assert doc.source.kind == "html" and "£322.11" in doc.text and "Commissioner’s" in doc.text
    assert [i.number for i in doc.items] == ["1", "2", "3", "4", "5"]
    assert (
        doc.items[2].title == "Police and Crime Commissioner’s proposed precept for 2024-25"
    )  # no 'PDF 420 KB'
    assert (
        "mgTracking" not in doc.text and "Meetings calendar" not in doc.text
    )  # scripts and navigation dropped


def test_a_police_and_crime_panel_page_drafts_the_panel_the_pcc_and_a_recommendation(national):
    drafted = draft_file(NORFOLK, national)
    meeting = drafted["meetings"][0]
    assert (meeting["body"], meeting["date"]) == ("norfolk-police-and-crime-panel", "2024-02-06")
    assert drafted["source"]["publisher"] == "norfolk-county-council"
    decisions = [d for item in meeting["items"] for d in item.get("decisions", [])]
    assert {"kind": "recommendation", "to": "norfolk-pcc"}.items() <= decisions[-2].items()
    links = {(link["holder"], link["held"], link["mechanism"]) for link in drafted["links"]}
    assert ("norfolk-pcc", "norfolk-chief-constable", "holding-to-account") in links
    assert all(link["status"] == "proposed" for link in drafted["links"])
    money = [o for o in drafted["observations"] if o["unit"] == "gbp"]
    assert 322.11 in [o["value"] for o in money]


def test_a_pdf_with_a_text_layer_keeps_its_paragraphs_and_items(lincoln_pdf, national):
    doc = extract_document(lincoln_pdf)
    assert doc.source.kind == "pdf"
    assert [(i.number, i.title) for i in doc.items][1] == (
        "46",
        "Lincoln Community Safety Partnership Annual Report",
    )
    assert "item 46(b)" in [label for label, _, _ in doc.labels()]
    drafted = draft_file(lincoln_pdf, national)
    assert drafted["meetings"][0]["date"] == "2024-01-23"  # not 21 November 2023, the previous meeting's
    apologies = {m["member"] for m in drafted["memberships"] if "apologies" in m["note"]}
    assert apologies == {"bill-mara", "pat-vaughan"}


def test_a_getmeeting_answer_gives_committee_date_attendance_and_minutes(national):
    doc = extract_document(STOCKPORT)
    assert doc.source.structured["committee"] == "Stockport Health and Wellbeing Board"
    drafted = draft_file(STOCKPORT, national)
    meeting = drafted["meetings"][0]
    assert (meeting["body"], meeting["date"]) == ("stockport-health-and-wellbeing-board", "2024-03-13")
    assert {"keith-holloway", "laura-hepworth"} <= set(meeting["attendees"])
    assert "paula-brennan" not in meeting["attendees"]  # sent apologies
    assert [i["number"] for i in meeting["items"]] == ["21", "22", "23"]


def test_the_same_input_gives_the_same_draft(national):
    assert draft_file(STOCKPORT, national) == draft_file(STOCKPORT, national)


# -- bad input -----------------------------------------------------------------------------------


def _welsh_page(path: Path) -> Path:
    path.write_text(
        '<html lang="cy"><head><title>Cofnodion</title></head><body><h1>Cofnodion y cyfarfod</h1>'
        "<p>Yn bresennol: Y Cynghorydd Siân Jones (Cadeirydd)</p><p>Cytunwyd ar gofnodion y cyfarfod blaenorol."
        "</p></body></html>",
        encoding="utf-8",
    )
    return path


def _welsh_text(path: Path) -> Path:
    path.write_text(
        "Cofnodion y cyfarfod\n\nYn bresennol: Y Cynghorydd Siân Jones (Cadeirydd)\n\n"
        "Mae'r Cyngor wedi cytuno ar y cynllun a bod y pwyllgor yn ei gefnogi ac yn cyflwyno adroddiad i'r "
        "Cabinet ar gyfer y cyfarfod nesaf o'r Bwrdd gyda'r heddlu.\n",
        encoding="utf-8",
    )
    return path


def _not_minutes(path: Path) -> Path:
    path.write_text(
        "<html><head><title>Bin collection days</title></head><body><h1>Bin collection days</h1>"
        "<p>Find out which day your bins are emptied. Enter your postcode.</p></body></html>",
        encoding="utf-8",
    )
    return path


def _not_getmeeting(path: Path) -> Path:
    path.write_text(
        '<?xml version="1.0"?><committees><committee><committeeid>1</committeeid>'
        "<committeetitle>Cabinet</committeetitle></committee></committees>",
        encoding="utf-8",
    )
    return path


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _latin1(path: Path) -> Path:
    path.write_bytes("Minutes: the Council’s £5 grant".encode("cp1252"))
    return path


def _big(path: Path) -> Path:
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # 50 MB without writing them
    return path


BAD = {
    "scanned.pdf": (scanned_pdf, "no text layer", "OCR"),
    "not-minutes.html": (_not_minutes, "does not read as minutes", None),
    "committees.xml": (_not_getmeeting, "not a ModernGov GetMeeting answer", "<committees>"),
    "empty.txt": (_empty, "empty", None),
    "huge.txt": (_big, "50 MB", f"{MAX_BYTES // 2**20} MB"),
    "latin1.txt": (_latin1, "not UTF-8", "iconv"),
    "welsh.html": (_welsh_page, "Welsh", "English version"),
    "welsh.txt": (_welsh_text, "Welsh", "English version"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_refused_with_a_reason_and_nothing_is_written(name, cspkg, national, tmp_path):
    make, words, more = BAD[name]
    path = make(tmp_path / name)
    with pytest.raises(DraftInputError) as caught:
        draft_file(path, national)
    assert words in str(caught.value) and (more is None or more in str(caught.value))
    out = tmp_path / "drafts" / "out.yaml"
    result = cspkg("draft", str(path), "-o", str(out), "--data", str(national))
    assert result.exit_code == 1
    assert words in result.output and "draft failed" in result.output
    assert not out.exists() and not out.parent.exists()
