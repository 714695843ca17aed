"""Drafting bodies and people as minutes name them: a CSP by its local brand, a commissioner's
office by its initials and the commissioner it implies, the body of each post, the Crown's bodies
however they are styled, and national criminal justice bodies of the register."""

from __future__ import annotations

from pathlib import Path

from graph_build.draft import draft_file
from graph_build.draft.bodies import csp_brand
from graph_build.draft.gazetteer import tokens


def draft_text(text: str, data: Path, tmp_path: Path, name: str = "minutes.txt") -> dict:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return draft_file(path, data)


def body_ids(drafted: dict) -> dict[str, dict]:
    return {b["id"]: b for b in drafted["bodies"]}


def test_the_names_csps_go_by():
    assert csp_brand(tokens("Safer Arun Partnership"), names_place=True)
    assert csp_brand(tokens("Community Safety and Safeguarding Partnership"), names_place=False)
    assert csp_brand(tokens("Ipswich Community Safety Partnership Board"), names_place=True)
    assert not csp_brand(tokens("Safer Streets Partnership"), names_place=False)  # no place: a programme
    assert not csp_brand(tokens("Domestic Abuse Partnership"), names_place=False)


BRANDED = """Mansfield District Council
Safer Mansfield Partnership Board
Minutes of the meeting held on Wednesday, 6th March, 2024

Present: Councillor Ann Brown (Chair), Inspector Tom Hale (Nottinghamshire Police), Ruth Kaye (OPFCC)

1. Anti-social behaviour
The Safer Mansfield Partnership noted the quarterly report. Supt Lee said patrols had been increased.
"""


def test_a_csp_named_by_its_brand_is_the_local_csp(national, tmp_path):
    bodies = body_ids(draft_text(BRANDED, national, tmp_path))
    assert "mansfield-csp" in bodies
    assert not any(b.get("draft", {}).get("new") and "safer-mansfield" in b["id"] for b in bodies.values())


def test_a_commissioners_office_by_its_initials_implies_the_commissioner(national, tmp_path):
    drafted = draft_text(BRANDED, national, tmp_path)
    bodies = body_ids(drafted)
    office = next(b for b in bodies.values() if b.get("type") == "OfficeOfPoliceAndCrimeCommissioner")
    assert office["id"] == "nottinghamshire-opcc" and office["draft"]["new"]
    pcc = bodies["nottinghamshire-pcc"]
    assert pcc["draft"]["inferred"] == "office" and "new" not in pcc["draft"]


HARINGEY_STYLE = """London Borough of Haringey
Community Safety Partnership
Minutes of the meeting held on 29 July 2024

Present: Chief Superintendent Helen Millichap, Councillor Ruth Gordon (Chair)

1. Election of chair
Chief Superintendent Millichap was elected vice-chair.
"""


def test_the_body_of_a_post_is_listed_even_when_the_text_names_it_nowhere(national, tmp_path):
    drafted = draft_text(HARINGEY_STYLE, national, tmp_path)
    posts = {p["holder"]: p for p in drafted["posts"]}
    force = posts["helen-millichap"]["body"]
    assert force == "metropolitan-police-service"
    assert body_ids(drafted)[force]["draft"]["inferred"] == "post"


CRIMINAL_JUSTICE = """Gloucestershire County Council
Police and Crime Panel
Minutes of the meeting held on 12 January 2024

1. Local Criminal Justice Board
The board is made up of His Majesty Prison & Probation Service, the Crown Prosecution Service (CPS),
His Majesty's Courts & Tribunals Service and Gloucestershire Constabulary.
HMCTS reported on listing times.
"""


def test_crown_bodies_however_styled_and_national_criminal_justice_bodies(national, tmp_path):
    bodies = body_ids(draft_text(CRIMINAL_JUSTICE, national, tmp_path))
    for body in (
        "hm-prison-and-probation-service",
        "crown-prosecution-service",
        "hm-courts-and-tribunals-service",
    ):
        assert body in bodies and not bodies[body]["draft"].get("new"), body
