"""Drafting rules for what real minutes do, each on a few lines of minutes written here: a local
copy's own header, which date is the meeting's, generic names, people and not places, action points,
section numbers, and the links minutes state."""

from __future__ import annotations

from pathlib import Path

from graph_build.draft import draft_file, extract_document


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


ACTIONS = """Anytown Borough Council
Community Safety Partnership Board
Minutes of the meeting held on Wednesday, 12th May, 2021

4. Serious violence
The Board discussed the new duty at length.
• PCC to meet the licensing trade in the new year.
• Officers to report back on knife crime figures at the next meeting.
• Jane Doe to circulate the draft strategy to partners.
• Access to services was raised by members.
• West Midlands to the north has similar problems.
• The report will be presented in July.
In addition to the duty, partners discussed funding.
"""


def test_action_points_are_drafted_as_decisions(national, tmp_path):
    """'<who> to <do> ...' is an action point for a role, person or body; a place, a passive or a
    phrase such as 'Access to services' is not."""
    drafted = draft_text(ACTIONS, national, tmp_path)
    texts = [
        d["text"] for m in drafted["meetings"] for i in m.get("items", []) for d in i.get("decisions", [])
    ]
    texts += [d["text"] for m in drafted["meetings"] for d in m.get("decisions", [])]
    assert any(t.startswith("PCC to meet") for t in texts)
    assert any(t.startswith("Officers to report back") for t in texts)
    assert any(t.startswith("Jane Doe to circulate") for t in texts)
    assert not any(t.startswith(("Access", "West Midlands", "The report", "In addition")) for t in texts)


FIGURES = """Anytown Borough Council
Community Safety Partnership Board
Minutes of the meeting held on Wednesday, 12th May, 2021

5. Performance
Cllr Smith moved recommendation 2.1 in the report.
Copies of the minutes from the 15 November 2022 meeting were issued.
Paragraph 3.7 of the report described 12 arrests in the town centre.
Burglary fell by 14% in 2020/21 and there were 230 incidents of anti-social behaviour.
"""


def test_section_numbers_and_days_of_dates_are_not_figures(national, tmp_path):
    figures = {(o["value"], o["unit"]) for o in draft_text(FIGURES, national, tmp_path)["observations"]}
    assert figures == {(12, "count"), (14, "percent"), (230, "count")}


PREVIOUS_MINUTES = """Agenda and minutes
Minutes of the Safer Borough Panel held on 14 November 2018 pdf icon PDF 112 KB
Safer Borough Panel - Wednesday 6 February 2019 10.00 am

1. Minutes
To confirm and sign the minutes of the two meetings held on 7 July 2018.
The minutes of the meeting held on 4 March, 2018 were signed as a true record.
"""


def test_the_previous_meetings_minutes_do_not_give_the_meeting_date(national, tmp_path):
    assert draft_text(PREVIOUS_MINUTES, national, tmp_path)["source"]["date"] == "2019-02-06"


ELSEWHERE = """URL: https://buckinghamshire.moderngov.co.uk/ieListDocuments.aspx?CId=350&MId=1
What: a saved meeting page.

Agenda and minutes
Venue: The Oculus, Aylesbury
Health and Wellbeing Board
Minutes
Present: Councillor Anita Smith (Chairman), Dr Ravi Patel (Oxford Health NHS Foundation Trust)
Councillor Anita Smith welcomed partners from Oxford Health NHS Foundation Trust.
"""


def test_the_pages_address_names_the_council_when_the_text_names_another_place(national, tmp_path):
    drafted = draft_text(ELSEWHERE, national, tmp_path)
    assert drafted["source"]["publisher"] == "buckinghamshire-council"
    assert "oxford-city-council" not in {b["id"] for b in drafted["bodies"]}


PLURAL = """Northumbria Police and Crime Panel
Minutes of the meeting held on Tuesday, 22nd October, 2024

1. Apologies
Councillors M Butler and K Chequer (Sunderland City Council), J Foreman (South Tyneside Council) and \
Kami Kundi and Jonathan Klajan (Independent Members).
"""


def test_councillors_listed_under_one_title_get_the_council_in_their_brackets(national, tmp_path):
    """A plural title covers each name after it; the brackets after a group give its council, or
    another role (independent members are not councillors)."""
    posts = {(p["holder"], p["role"], p["body"]) for p in draft_text(PLURAL, national, tmp_path)["posts"]}
    assert any(h.endswith("m-butler") and b == "sunderland-city-council" for h, _, b in posts)
    assert any(h.endswith("k-chequer") and b == "sunderland-city-council" for h, _, b in posts)
    assert any(h.endswith("j-foreman") and b == "south-tyneside-council" for h, _, b in posts)
    kundi = {(r, b) for h, r, b in posts if h == "kami-kundi"}
    assert kundi == {("independent-member", "northumbria-police-and-crime-panel")}


SURNAMES = """Coventry City Council
Scrutiny Co-ordination Committee
Minutes of the meeting held on Wednesday, 1st April, 2015

1. Community safety
Councillor Abbott, Assistant Police and Crime Commissioner
Councillor Abbott answered questions about the plan.
Smith reported on the accounts.
"""


def test_a_titled_surname_with_a_post_is_a_person(national, tmp_path):
    """'Councillor Abbott, Assistant Police and Crime Commissioner': one person with that post; a bare
    surname with neither title nor post is not drafted."""
    drafted = draft_text(SURNAMES, national, tmp_path)
    assert [p["name"] for p in drafted["people"]] == ["Councillor Abbott"]
    roles = {p["role"] for p in drafted["posts"] if p["holder"] == drafted["people"][0]["id"]}
    assert "deputy-commissioner" in roles


def _decisions(drafted: dict) -> list[dict]:
    return [
        d for m in drafted.get("meetings", []) for i in m.get("items", []) for d in i.get("decisions", [])
    ]


RESOLUTIONS = """Tamworth Borough Council
Infrastructure Safety and Growth Scrutiny Committee
Minutes of the meeting held on Tuesday, 5th March, 2024

1. Election of Chair
Councillor Amy Booth was duly elected as Chair of the Committee for 2024/25.

2. Minutes
2.1 The minutes of the meeting held on 9 January 2024 were approved as a correct record.

3. Partnership update
UNANIMOUSLY RESOLVED that the Partnership's strategic assessment be endorsed.
RESOLVED, that the report be received.
RESOLVED:
That the update be noted.

4. Work programme
Resolved –
(1) That the work programme be approved.
(2) That a briefing on fraud be arranged.
Councillor Lee MOVED and Councillor Shah SECONDED that the Chair write to the Home Office about funding, which was CARRIED.
"""


def test_resolutions_in_the_forms_minutes_give_them(national, tmp_path):
    """'UNANIMOUSLY RESOLVED that', 'RESOLVED,' and a bare 'RESOLVED:' with the resolution on the next
    line; a numbered minute paragraph; numbered resolutions; a carried motion; an election. A
    resolution that the report be noted or received is a noting."""
    found = [
        (d["cite"], d["kind"], d["text"]) for d in _decisions(draft_text(RESOLUTIONS, national, tmp_path))
    ]
    kinds = [(cite, kind) for cite, kind, _ in found]
    assert ("item 1", "resolution") in kinds
    assert any(c == "item 2" and k == "resolution" and t.startswith("The minutes") for c, k, t in found)
    item3 = [(k, t) for c, k, t in found if c == "item 3"]
    assert item3 == [
        ("resolution", "the Partnership's strategic assessment be endorsed"),
        ("noting", "the report be received"),
        ("noting", "That the update be noted"),
    ]
    assert ("item 4(1)", "resolution") in kinds and ("item 4(2)", "resolution") in kinds
    assert any(k == "resolution" and t.startswith("the Chair write to the Home Office") for _, k, t in found)


UNDERTAKINGS = """Tamworth Borough Council
Community Safety Partnership Board
Minutes of the meeting held on Tuesday, 5th March, 2024

1. Performance
· In response to a question, the Community Safety Manager agreed to circulate the ward figures.
· Ian Ansell advised that the figures were late. As soon as they were published he would update the Board;
· whether the data covered re-referrals – Rob Sowden to find out and report back;
· the Police and Crime Commissioner was keen on the scheme; the Commissioner would ensure funds were available.
· The Inspector was asked whether the camera would cover the station and said that it would.
· From April the new funding would pay for the outreach workers.
· A Member requested that the charts be provided in colour.
· The Board noted that shoplifting had risen.
Members requested that the Partnership bring its action plan to the next meeting.
The Board asked that the Community Safety Manager write to the licensing committee.
"""


def test_undertakings_requests_and_action_points_in_discussion(national, tmp_path):
    """Undertakings by a role, a named person or 'he'/'she' (also in reported speech: 'would update'),
    action points after a dash, and requests made by the meeting are decisions; what a single member
    asks, what the meeting merely notes, and what money or a camera 'would' do are not."""
    texts = [d["text"] for d in _decisions(draft_text(UNDERTAKINGS, national, tmp_path))]
    expected = ("the Community Safety Manager agreed to circulate", "he would update the Board",
                "Rob Sowden to find out", "the Commissioner would ensure funds",
                "the Partnership bring its action plan", "the Community Safety Manager write to")  # fmt: skip
    for words in expected:
        assert sum(words in t for t in texts) == 1, (words, texts)
    assert len(texts) == len(expected), texts


ACTION_LOG = """<html><body><div id="modgov">
<h2>Safer Tamworth Partnership - Tuesday, 5th March, 2024</h2>
<table><tr><td>1.</td><td><p>Minutes of the previous meeting</p><p>Minutes:</p>
<p>The minutes were agreed as a correct record.</p></td></tr>
<tr><td>2.</td><td><p>Action log</p><p>Minutes:</p>
<table><tr><th>Action</th><th>Owner</th><th>Deadline</th></tr>
<tr><td>Share the analysis of repeat callers</td><td>Community Safety Manager</td><td>April 2024</td></tr>
<tr><td>Arrange a visit to the control room</td><td>Democratic Services</td><td>May 2024</td></tr></table>
<p>Partners were reminded of the training on 3 April. (Action: JB)</p>
<p>Figures on retail crime to come to the next meeting. (Action: Chief Inspector)</p>
</td></tr></table></div></body></html>
"""


def test_an_action_log_table_and_owned_actions(national, tmp_path):
    """An action log kept as a table (Action, Owner, Deadline) gives one decision a row, saying the
    owner; a paragraph ending '(Action: owner)' is an action point for that owner."""
    decisions = _decisions(draft_text(ACTION_LOG, national, tmp_path, "minutes.html"))
    texts = [d["text"] for d in decisions if d["cite"].startswith("item 2")]
    assert texts[:2] == [
        "Community Safety Manager: Share the analysis of repeat callers (April 2024)",
        "Democratic Services: Arrange a visit to the control room (May 2024)",
    ]
    assert any(t.startswith("Partners were reminded of the training") for t in texts)
    assert any(t.startswith("Figures on retail crime") for t in texts)
    assert not any(t in ("Action", "Owner") for t in texts)


UNNUMBERED = """Agenda and minutes
Tamworth Crime and Disorder Panel - Wednesday 6 February 2019 10.00 am
Minutes of the previous meeting pdf icon PDF 112 KB
RESOLVED that the minutes of the meeting held on 14 November 2018 were a correct record.
4. Partnership plan
The Panel noted the report.
"""


def test_decisions_before_the_first_numbered_item_are_kept(national, tmp_path):
    """A page whose first items lost their numbers still gives their resolutions, under the heading above."""
    drafted = draft_text(UNNUMBERED, national, tmp_path)
    items = drafted["meetings"][0]["items"]
    minutes = [i for i in items if i["title"].startswith("Minutes of the previous meeting")]
    assert minutes and minutes[0]["decisions"][0]["kind"] == "resolution"
    assert any(d["kind"] == "noting" for i in items for d in i.get("decisions", []))


SECTION_19 = """Mansfield District Council
Overview Committee
Minutes of the meeting held on Tuesday, 19th March, 2024

1. Partnership review
Section 19 of the Police and Justice Act 2006 requires the Council to review the work of the Partnership.
The Community Safety Partnership is funded by the Police and Crime Commissioner.
"""


def test_a_committee_doing_the_crime_and_disorder_scrutiny_scrutinises_its_csp(national, tmp_path):
    """A council committee that says it does the s.19 review scrutinises the district's CSP (the
    meeting's set-up, not one sentence); 'funded by' gives the funder."""
    links = {
        (x["holder"], x["mechanism"], x["held"]) for x in draft_text(SECTION_19, national, tmp_path)["links"]
    }
    meeting = next(h for h, m, held in links if m == "scrutiny" and held == "mansfield-csp")
    assert meeting.startswith("mansfield") and meeting != "mansfield-csp"
    assert ("nottinghamshire-pcc", "funding", "mansfield-csp") in links


PANEL = """Thames Valley Police and Crime Panel
Minutes of the meeting held on Friday, 14th June, 2024

1. Annual report
The Police and Crime Commissioner presented his annual report for 2023/24.
"""


def test_a_panel_scrutinising_its_commissioner_is_not_also_a_reporting_link(national, tmp_path):
    """The commissioner presenting a report to the panel that scrutinises him is that scrutiny: one link."""
    links = [(x["holder"], x["held"]) for x in draft_text(PANEL, national, tmp_path)["links"]]
    assert links.count(("thames-valley-police-and-crime-panel", "thames-valley-pcc")) == 1


LISTS_AND_VOTES = """Tamworth Borough Council
Community Safety Partnership Board
Minutes of the meeting held on Tuesday, 5th March, 2024

1. Chair
RESOLVED:
The Board agreed the appointment of Councillor Amy Booth as Chair.

2. Strategic assessment
Proposal that the strategic assessment be adopted.
Agreed by unanimous vote.

3. Neighbourhood policing
The following suggestions were noted by the Area Commander:-
· Local newspapers to carry the monthly crime summary.
· Make more use of social media for appeals.
Inspector Webb gave a commitment of herself and her team to attend ward meetings.
The following points were made in discussion:
· Members asked about response times.

4. Annual report
The Board RECOMMENDED to the Police and Crime Commissioner:
(1) that the annual report include rural crime;
"""


def test_lists_votes_and_a_bare_resolution_heading(national, tmp_path):
    """A bare 'RESOLVED:' makes the next line a resolution even when it says 'agreed'; a vote on its own
    line decides the proposal before it; 'the following suggestions were noted' opens a bulleted list
    of recommendations, 'the following points were made' does not; a heading that only names the
    addressee is no decision of its own."""
    found = [
        (d["cite"], d["kind"], d["text"]) for d in _decisions(draft_text(LISTS_AND_VOTES, national, tmp_path))
    ]
    assert (
        "item 1",
        "resolution",
        "the appointment of Councillor Amy Booth as Chair",
    ) in found
    assert ("item 2", "resolution", "the strategic assessment be adopted") in found
    item3 = [t for c, _, t in found if c == "item 3"]
    assert item3 == [
        "Local newspapers to carry the monthly crime summary",
        "Make more use of social media for appeals",
        "Inspector Webb gave a commitment of herself and her team to attend ward meetings",
    ]
    assert [(c, k) for c, k, _ in found if c.startswith("item 4")] == [("item 4(1)", "recommendation")]


GOVERNANCE = """East Staffordshire Community Safety Partnership
Notes of the Partnership Board meeting held on 8 May 2024

1. Governance
The Domestic Abuse Forum reports to the Partnership each quarter, and the Partnership holds the Forum to account.
The Youth Diversion Project is commissioned by the Police, Fire and Crime Commissioner and contract-managed by East Staffordshire Borough Council.
Quarterly returns are reported to the Home Office by the Police, Fire and Crime Commissioner.
Staffordshire Police convenes a county-wide strategic Board on knife crime.
"""


def test_links_stated_in_governance_sentences(national, tmp_path):
    """Every cue of a sentence counts; 'the Forum' stands for the forum named before it; a passive
    cue's held end is its subject, even after an earlier cue's agent; 'reported to X by Y' makes Y
    report; an initiative can be commissioned and contract-managed; a generic name after 'a' is no
    known body."""
    drafted = draft_text(GOVERNANCE, national, tmp_path)
    links = {(x["holder"], x["mechanism"], x["held"]) for x in drafted["links"]}
    forum = next(b["id"] for b in drafted["bodies"] if "domestic-abuse-forum" in b["id"])
    project = next(i["id"] for i in drafted["initiatives"] if "youth-diversion" in i["id"])
    assert ("east-staffordshire-csp", "reporting", forum) in links
    assert ("east-staffordshire-csp", "holding-to-account", forum) in links
    assert ("staffordshire-pcc", "commissioning", project) in links
    assert ("east-staffordshire-borough-council", "contract-management", project) in links
    assert ("home-office", "reporting", "staffordshire-pcc") in links
    assert not any(m == "governance" for _, m, _ in links)
    assert not any(
        h == "east-staffordshire-borough-council" and held == "staffordshire-pcc" for h, _, held in links
    )


IN_PASSING = """Tamworth Borough Council
Community Safety Partnership Board
Minutes of the meeting held on Tuesday, 5th March, 2024

1. Partnership review
Members discussed the review at length. Further to earlier discussion of the figures, it was agreed that consideration of the review be deferred until the next meeting.
The Chair thanked the Vice-Chair for her work. A new Vice-Chair will be elected at the next meeting.
Officers explained the figures. Members agreed that the housing team should attend in future.
The Member asked the Commissioner whether he intended to rewrite the plan.
The new funding would be spent on youth outreach over the year.
"""


def test_decisions_stated_in_passing(national, tmp_path):
    """'..., it was agreed that', 'Members agreed that' inside a paragraph, and business put to a
    later meeting are decisions; a member's question and money to be spent are not."""
    texts = [d["text"] for d in _decisions(draft_text(IN_PASSING, national, tmp_path))]
    assert any(t.startswith("consideration of the review be deferred") for t in texts)
    assert any(t.startswith("A new Vice-Chair will be elected at the next meeting") for t in texts)
    assert any(t.startswith("the housing team should attend") for t in texts)
    assert len(texts) == 3, texts


PLANS = """Leeds City Council
Scrutiny Board (Environment, Housing and Communities)
Minutes of the meeting held on Monday, 9th January, 2023

1. Police and Crime Plan
The Director of Strategy introduced the Deputy Mayor for Policing and Crime on the West Yorkshire Police and Crime Plan 2021–24.
Members asked about delivery of the Police and Crime Plan 2021–24 and Operation Jemlock Team patrols.
"""


def test_initiative_names_inside_longer_phrases(national, tmp_path):
    """'the Deputy Mayor ... on the X Plan' and 'delivery of the X Plan' name the plan; 'Director of
    Strategy' is a post; the same plan with and without its area and years ('2021–24') is one
    initiative, under its fullest name; 'Operation Jemlock Team' is the operation."""
    names = sorted(i["name"] for i in draft_text(PLANS, national, tmp_path).get("initiatives", []))
    assert names == ["Operation Jemlock", "West Yorkshire Police and Crime Plan 2021–24"], names
