"""Drafting bodies and people as minutes name them: a CSP by its local brand, a commissioner's
office by its initials and the commissioner it implies, the body of each post, the Crown's bodies
however they are styled, and national criminal justice bodies of the register."""

from __future__ import annotations

from pathlib import Path

from graph_build.draft import draft_file
from graph_build.draft.bodies import csp_brand
from graph_build.draft.gazetteer import tokens
from tests.fixtures import ROOT


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


def posts_by_holder(drafted: dict) -> dict[str, set[tuple[str, str]]]:
    out: dict[str, set[tuple[str, str]]] = {}
    for post in drafted.get("posts", []):
        out.setdefault(post["holder"], set()).add((post["role"], post["body"]))
    return out


APOLOGIES_IN_PROSE = (
    "Buckinghamshire Council\nHealth and Wellbeing Board\nMinutes of the meeting held on Thursday, 9th December, 2021\n\n"
    "1. Apologies for absence\n"
    "Apologies had been received from Richard Nash, Interim Corporate Director, Children's Services, "
    "Buckinghamshire Council (Simon James, Service Director, Education attended in place of Richard); "
    "Zoe Black, Chief Executive Officer (CEO), Healthwatch Bucks; Cllr Carl Jackson and Gill Quinton, "
    "Corporate Director, Adults and Health.\n"
)


def test_an_apologies_list_in_prose_gives_each_person_their_post_and_substitutes(national, tmp_path):
    text = APOLOGIES_IN_PROSE
    drafted = draft_text(text, national, tmp_path)
    posts = posts_by_holder(drafted)
    assert ("director", "buckinghamshire-council") in posts["richard-nash"]  # not the substitute's post
    assert posts["simon-james"] == {("director", "buckinghamshire-council")}  # the substitute, present
    assert ("chief-executive", "buckinghamshire-council") not in posts.get("carl-jackson", set())
    assert ("director", "buckinghamshire-council") in posts["gill-quinton"]  # 'Cllr X and Gill Quinton, ...'
    attendees = set(drafted["meetings"][0].get("attendees", []))
    assert "simon-james" in attendees and "richard-nash" not in attendees


def test_a_member_stood_in_for_shares_the_organisation(national, tmp_path):
    text = """Coventry City Council
Scrutiny Co-ordination Committee
Minutes of the meeting held on 1 April 2025

The following representatives have been invited to the meeting for this item:

Vicky Hancox (on behalf of Josie Spencer), Coventry and Warwickshire Partnership Trust
"""
    posts = posts_by_holder(draft_text(text, national, tmp_path))
    assert posts["vicky-hancox"] == posts["josie-spencer"]
    assert {role for role, _ in posts["josie-spencer"]} == {"representative"}


def test_a_deputy_named_by_the_office_is_a_deputy_not_a_representative(national, tmp_path):
    text = """Gloucestershire County Council
Police and Crime Panel
Minutes of the meeting held on 8 September 2023

3. Declarations of interest
3.1 Nick Evans, the Deputy Police and Crime Commissioner, declared his role as chair of a partnership.
"""
    posts = posts_by_holder(draft_text(text, national, tmp_path))
    assert posts["nick-evans"] == {("deputy-commissioner", "gloucestershire-pcc")}


def test_in_his_capacity_as_gives_the_post(national, tmp_path):
    text = """Durham County Council
Safer and Stronger Communities Overview and Scrutiny Committee
Minutes of the meeting held on 20 January 2025

4. Safe Durham Partnership update
The Committee welcomed Keith Wanley in his capacity as the Chair of the Partnership Board.
"""
    posts = posts_by_holder(draft_text(text, national, tmp_path))
    assert {role for role, _ in posts["keith-wanley"]} == {"chair"}


ELECTION = """Surrey County Council
Police and Crime Panel
Minutes of the meeting held on 30 June 2020

ELECTION OF VICE-CHAIRMAN
The Panel is asked to elect a Vice-Chairman for the year.
Councillor Hazel Watson was proposed by Councillor Will Forster and seconded by Councillor Christine Elmer.
RESOLVED:
The Panel agreed the appointment of Councillor Hazel Watson
"""


def test_an_election_item_gives_the_person_it_elects_that_post(national, tmp_path):
    drafted = draft_text(ELECTION, national, tmp_path)
    posts = posts_by_holder(drafted)
    assert ("vice-chair", "surrey-police-and-crime-panel") in posts["hazel-watson"]
    assert not any(role == "vice-chair" for role, _ in posts.get("will-forster", set()))


def test_people_words_before_a_known_body_are_not_part_of_its_name(national, tmp_path):
    text = """Hartlepool Borough Council
Safer Hartlepool Partnership
Minutes of the meeting held on 15 March 2024

3. Criminal justice update
Representatives of the Crown Prosecution Service had been invited for this item.
"""
    bodies = body_ids(draft_text(text, national, tmp_path))
    assert "crown-prosecution-service" in bodies
    assert not any("representatives" in b for b in bodies)


def test_a_post_between_commas_in_a_list_belongs_to_the_name_before_it(national, tmp_path):
    text = """Hartlepool Borough Council
Safer Hartlepool Partnership
Minutes of the meeting held on 15 March 2024

Apologies for absence were received from Dr Kate Ward, Director of Public Health, and Inspector Paul Dunn.
"""
    posts = posts_by_holder(draft_text(text, national, tmp_path))
    assert posts["kate-ward"] == {("director", "hartlepool-borough-council")}
    assert posts["paul-dunn"] == {("inspector", "cleveland-police")}


CANNOCK = ROOT / "tests" / "data" / "draft" / "cannock-chase-scrutiny-csp.html"


def test_the_council_a_pages_title_names_is_the_place_however_often_the_county_is_named(national):
    drafted = draft_file(CANNOCK, national)
    bodies = body_ids(drafted)
    assert "cannock-chase-csp" in bodies  # 'the Community Safety Partnership' of the district, not a new body
    assert drafted["meetings"][0]["body"] == "cannock-chase-crime-and-disorder-committee"
    office = next(b for b in bodies.values() if b.get("type") == "OfficeOfPoliceAndCrimeCommissioner")
    assert office["id"] == "staffordshire-opcc"  # "the Commissioner's office"


def test_a_post_after_one_name_is_not_the_next_persons(national):
    posts = {p["holder"]: p for p in draft_file(CANNOCK, national)["posts"]}
    assert posts["ian-rowley"]["title"] == "Chief Inspector"  # not 'Head of Housing and Partnerships'
    assert (posts["nirmal-samrai"]["role"], posts["nirmal-samrai"]["body"]) == (
        "head-of-service",
        "cannock-chase-district-council",
    )


def test_a_plural_title_in_an_apologies_line_covers_each_name(national):
    posts = posts_by_holder(draft_file(CANNOCK, national))
    assert posts["s-thornley"] == {("councillor", "cannock-chase-district-council")}


def test_a_new_body_named_short_after_its_full_name_is_the_same_body(national, tmp_path):
    text = """Gloucestershire County Council
Police and Crime Panel
Minutes of the meeting held on 8 September 2023

4. Criminal justice
4.1 The Chair invited Victoria Bishop, Local Criminal Justice Board Co-ordinator, to describe the
Gloucestershire Local Criminal Justice Board. The Local Criminal Justice Board meets quarterly.
"""
    bodies = body_ids(draft_text(text, national, tmp_path))
    boards = [b for b in bodies.values() if b.get("type") == "LocalCriminalJusticeBoard"]
    assert [b["id"] for b in boards] == ["gloucestershire-local-criminal-justice-board"]


LEEDS_STYLE = """Leeds City Council
Scrutiny Board (Environment, Housing and Communities)
Minutes of the meeting held on 20 June 2024

5. Police and Crime Plan update
In attendance for this item were:
·  Cllr Ann Wood (Executive Member)
·  Julie Reid (Head of Police & Crime WYCA)
·  Chief Inspector Lucy Leadbeater (West Yorkshire Police)

The Board discussed the plan.
"""


def test_a_bulleted_attendance_list_under_a_longer_heading(national, tmp_path):
    posts = posts_by_holder(draft_text(LEEDS_STYLE, national, tmp_path))
    assert ("cabinet-member", "leeds-city-council") in posts["ann-wood"]  # an executive member
    assert posts["lucy-leadbeater"] == {("chief-inspector", "west-yorkshire-police")}
    # the combined authority by its initials, not the 'Police' in the post's words
    assert posts["julie-reid"] == {("head-of-service", "west-yorkshire-combined-authority")}


def test_a_joint_partnership_stands_for_each_districts_csp(national, tmp_path):
    text = """Chorley Borough Council
Overview and Scrutiny Committee
Minutes of the meeting held on 14 March 2024

6. Scrutiny of the Chorley and South Ribble Community Safety Partnership
The Committee considered the annual report of the partnership.
"""
    bodies = body_ids(draft_text(text, national, tmp_path))
    assert {"chorley-csp", "south-ribble-csp"} <= set(bodies)
    assert bodies["south-ribble-csp"]["draft"]["inferred"] == "joint partnership"


def test_a_contact_with_a_stated_post_holds_that_post_in_the_publishing_council(national):
    drafted = draft_file(ROOT / "tests" / "data" / "draft" / "norfolk-pcp-2024-02-06.html", national)
    assert posts_by_holder(drafted)["jo-martin"] == {("manager", "norfolk-county-council")}


def test_a_former_independent_member(national, tmp_path):
    text = """Surrey County Council
Police and Crime Panel
Minutes of the meeting held on 30 June 2020

18/20 Chairman's announcements
The Chairman expressed thanks to Mr Bryan Cross, a former Independent Member to the Panel.
"""
    posts = posts_by_holder(draft_text(text, national, tmp_path))
    assert posts["bryan-cross"] == {("independent-member", "surrey-police-and-crime-panel")}


def test_a_post_with_the_name_in_brackets_and_abbreviated_ranks(national, tmp_path):
    text = """Hartlepool Borough Council
Safer Hartlepool Partnership
Minutes of the meeting held on 15 March 2024

2. Performance
The Community Safety Manager (Sally Robinson) presented the report. The Neighbourhood Inspector
(Insp Paul Dunn) reported on patrols. CI Claire Hope said arrests had risen, and Sgt Lee Barnes agreed.
"""
    posts = posts_by_holder(draft_text(text, national, tmp_path))
    assert posts["sally-robinson"] == {("manager", "hartlepool-borough-council")}
    assert posts["paul-dunn"] == {("inspector", "cleveland-police")}
    assert posts["claire-hope"] == {("chief-inspector", "cleveland-police")}
    assert posts["lee-barnes"] == {("sergeant", "cleveland-police")}
