"""Bilingual Welsh pages: drafted from their English part (by the markup's `lang` marks, else by
py3langid line by line); a Welsh-only page is still refused; an English page is left as it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_build.draft import DraftInputError, draft_file, extract_document
from graph_build.draft.checks import check_drafteable
from graph_build.draft.language import english_part, line_languages
from tests.fixtures import ROOT

BILINGUAL = ROOT / "tests" / "data" / "draft" / "conwy-denbighshire-csp-bilingual.txt"

PAGE = """<html lang="{root}"><head><title>Cofnodion / Minutes</title></head><body><main>
<div lang="cy"><h1>Cofnodion Bwrdd Partneriaeth Diogelwch Cymunedol Conwy a Sir Ddinbych</h1>
<p>Yn bresennol: Y Cynghorydd Nigel Smith (Cadeirydd) a'r Cynghorydd Elin Hughes.</p>
<p>PENDERFYNWYD nodi'r adroddiad a gofyn am ddiweddariad yn y cyfarfod nesaf.</p></div>
<div lang="en"><h1>Minutes of the Conwy and Denbighshire Community Safety Partnership Board</h1>
<p>Date: Thursday, 14 March 2024</p>
<p>Present: Councillor Nigel Smith (Chair) and Councillor Elin Hughes.</p>
<p>1. Anti-social behaviour</p><p>The Board discussed the quarterly report on anti-social behaviour.</p>
<p>RESOLVED to note the report and to ask for an update at the next meeting.</p></div>
</main></body></html>"""


def test_a_bilingual_text_is_drafted_from_its_english_lines(national):
    doc = extract_document(BILINGUAL)
    assert "Minutes of the meeting of the Conwy" in doc.text and "Superintendent Jones presented" in doc.text
    assert "Cofnodion" not in doc.text and "PENDERFYNWYD" not in doc.text
    assert (
        doc.source.extractor.endswith("English part (py3langid)")
        and doc.source.title == "Conwy County Borough Council"
    )
    assert [i.number for i in doc.items] == ["1", "2"]
    drafted = draft_file(BILINGUAL, national)
    assert drafted["meetings"][0]["date"] == "2024-03-14"
    people = {p["id"] for p in drafted["people"]}
    assert {"nigel-smith", "elin-hughes", "owain-jones"} <= people


@pytest.mark.parametrize("root", ["en", "cy"])
def test_parts_the_markup_marks_welsh_are_left_out(root, national, tmp_path):
    page = tmp_path / "minutes.html"
    page.write_text(PAGE.format(root=root), encoding="utf-8")
    doc = extract_document(page)
    check_drafteable(doc)  # a Welsh-interface page whose minutes are in English is drafted
    assert "Present: Councillor Nigel Smith" in doc.text and "Yn bresennol" not in doc.text
    assert "marked Welsh left out" in doc.source.extractor
    assert draft_file(page, national)["meetings"][0]["date"] == "2024-03-14"


def test_a_page_marked_welsh_throughout_is_refused(tmp_path):
    page = tmp_path / "cofnodion.html"
    welsh_only = PAGE.split('<div lang="en">')[0] + "</main></body></html>"
    page.write_text(welsh_only.format(root="cy"), encoding="utf-8")
    with pytest.raises(DraftInputError, match="Welsh"):
        check_drafteable(extract_document(page))


def test_an_english_page_naming_welsh_bodies_is_left_as_it_is():
    text = (
        "Minutes of the Safer Newport Partnership held on 5 March 2024.\n"
        "Heddlu Gwent\n"
        "Present: Councillor Ray Truman (Chair), Superintendent Nicky Jones (Gwent Police).\n"
        "The Board noted the report of Cyngor Dinas Casnewydd on anti-social behaviour in Pillgwenlly.\n"
        "RESOLVED to note the report.\n"
    )
    split = english_part(text)
    assert (split.lang, split.text, split.welsh_lines) == ("en", text, 0)


def test_one_unsure_line_keeps_the_language_of_its_neighbours():
    lines = [
        "Cyflwynodd yr Uwch-arolygydd Jones adroddiad ar y gwaith a wnaed gan yr heddlu a'r partneriaid.",
        "Gwent Police",
        "Dywedodd fod nifer yr achosion a gofnodwyd wedi codi o'i gymharu â'r llynedd.",
        "Superintendent Jones presented a report on the work carried out by the police and partners.",
    ]
    assert line_languages(lines) == ["cy", "cy", "cy", "en"]


def test_a_welsh_text_with_a_few_english_words_is_a_welsh_page(tmp_path):
    path = tmp_path / "cofnodion.txt"
    path.write_text(
        "Cofnodion cyfarfod y Pwyllgor Craffu Cymunedau a gynhaliwyd ddydd Mawrth.\n"
        "Yn bresennol: Y Cynghorydd Siân Jones (Cadeirydd).\n"
        "Cyflwynodd y Prif Arolygydd adroddiad ar y Community Safety Partnership a'i waith gyda'r heddlu.\n"
        "PENDERFYNWYD nodi'r adroddiad a gofyn am ddiweddariad yn y cyfarfod nesaf.\n",
        encoding="utf-8",
    )
    doc = extract_document(path)
    assert doc.source.lang == "cy"
    with pytest.raises(DraftInputError, match="Welsh"):
        check_drafteable(doc)


def test_the_split_is_the_same_every_time():
    text = Path(BILINGUAL).read_text(encoding="utf-8")
    assert english_part(text) == english_part(text)
