"""People named with a title or a post ("Cllr Lee Breckon", "Peter Aley, Head of Safer Communities",
"the Neighbourhood Policing Area Commander, Inspector Emma Maxwell", "Shaun Morley as the Head of
...") and attendance lists ("Present:", "Apologies:", "In attendance:")."""

from __future__ import annotations

import re
from dataclasses import dataclass

TITLES = (
    r"Councillors?|Cllrs?\.?|County Councillor|Chief Constable|Deputy Chief Constable|Assistant Chief Constable|"
    r"Chief Superintendent|Superintendent|Detective Chief Inspector|Detective Inspector|Chief Inspector|"
    r"Inspector|Sergeant|PC|PCSO|DCI|DI|DS|Supt\.?|Ch Supt\.?|Det Supt\.?|Insp\.?|Sgt\.?|CI|"
    r"Mr\.?|Mrs\.?|Ms\.?|Miss|Dr\.?|Professor|Sir|Dame"
)
_NAME_WORD = r"(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?"
NAME = rf"{_NAME_WORD}(?: +(?:[A-Z]\.? +)?{_NAME_WORD}){{0,2}}"  # one line: a name never runs on
TITLED = re.compile(rf"\b(?P<title>{TITLES}) +(?P<name>(?:[A-Z]\.? +)?{NAME})")
# role words: the first that fits a post's wording gives its role (most specific first)
ROLES = (
    (r"vice[- ]chair", "vice-chair"), (r"deputy leader", "deputy-leader-of-the-council"),
    (r"leader of the council|council leader", "leader-of-the-council"),
    (r"\bchair(?:man|woman|person)?\b", "chair"), (r"cabinet member|portfolio holder|executive member", "cabinet-member"),
    (r"deputy chief constable|\bdcc\b", "deputy-chief-constable"),
    (r"assistant chief constable|\bacc\b", "assistant-chief-constable"),
    (r"chief constable", "chief-constable"), (r"(?:deputy|assistant) (?:police and crime )?commissioner", "deputy-commissioner"),
    (r"commissioner|\bp[f]?cc\b", "commissioner"), (r"chief executive|\bceo\b", "chief-executive"),
    (r"chief superintendent|ch supt", "chief-superintendent"), (r"superintendent|supt", "superintendent"),
    (r"chief inspector|\bdci\b|\bci\b", "chief-inspector"), (r"inspector|\bdi\b|\binsp\b", "inspector"),
    (r"sergeant|\bds\b|\bsgt\b", "sergeant"),
    (r"assistant director", "assistant-director"), (r"deputy director", "deputy-director"), (r"director", "director"),
    (r"head of", "head-of-service"), (r"team leader", "team-leader"), (r"manager", "manager"),
    (r"clerk", "clerk"), (r"secretary", "secretary"), (r"advis[eo]r", "advisor"), (r"lead officer", "lead-officer"),
    (r"officer|co-?ordinator", "officer"),
    (r"co-?opted", "co-opted-member"), (r"independent member", "independent-member"),
    (r"councillor|cllr", "councillor"), (r"representative", "representative"), (r"commander", "lead"),
    (r"\blead\b", "lead"), (r"\bmember\b", "member"),
)  # fmt: skip
POLICE_ROLES = {"chief-constable", "deputy-chief-constable", "assistant-chief-constable", "chief-superintendent",
                "superintendent", "chief-inspector", "inspector", "sergeant"}  # fmt: skip
COUNCIL_ROLES = {"councillor", "cabinet-member", "leader-of-the-council", "deputy-leader-of-the-council",
                 "chief-executive", "director", "assistant-director", "deputy-director", "head-of-service",
                 "manager", "team-leader", "officer"}  # fmt: skip
_POST_WORDS = r"(?:Head|Director|Assistant Director|Deputy Director|Chief Executive|Manager|Officer|Chair(?:man)?|Vice[- ]Chair(?:man)?|Cabinet Member|Portfolio Holder|Leader|Commander|Commissioner|Lead|Clerk|Secretary|Adviser|Advisor|Coordinator|Co-ordinator|Representative|Inspector|Superintendent|Chief Constable|Team Leader|Independent Member|Co-opted Member)"
_POST = rf"(?:(?:[A-Z][\w’'&-]*|and|of|for|the|&) +){{0,8}}?{_POST_WORDS}(?: +(?:of|for) +(?:[A-Z][\w’'&-]*|and|&|the)(?: +(?:[A-Z][\w’'&-]*|and|&|the)){{0,6}})?"
NAME_THEN_POST = re.compile(
    rf"\b(?P<name>{NAME}),\s+(?:(?:the|a|an|our)\s+)?(?:(?:former|new|interim|acting)\s+)?(?P<post>{_POST})\b"
)
POST_THEN_NAME = re.compile(rf"\b(?P<post>{_POST}),\s+(?:(?P<title>{TITLES})\s+)?(?P<name>{NAME})\b")
# 'The Community Safety Manager (Sally Robinson)', 'the Neighbourhood Inspector (Insp Paul Dunn)'
POST_PAREN_NAME = re.compile(rf"\b(?P<post>{_POST})\s+\((?:(?P<title>{TITLES})\s+)?(?P<name>{NAME})\)")
NAME_AS_POST = re.compile(
    rf"\b(?P<name>{NAME})\s+(?:in\s+(?:his|her|their)\s+capacity\s+)?as\s+(?:the\s+)?(?:new\s+)?(?P<post>{_POST})\b"
)
NAME_APPOINTED = re.compile(
    rf"\b(?P<name>{NAME}) (?:is|was|be|had been|has been) (?:appointed|elected|confirmed|re-elected)(?: as)?(?: the)?"
    rf" (?P<post>(?:interim |acting |new )?{_POST})\b"
)
NAME_PAREN_POST = re.compile(rf"\b(?P<name>{NAME})\s+\((?P<post>[^()]{{3,80}})\)")
ATTENDANCE = re.compile(
    r"^(?P<kind>(?:Members |Councillors |Officers )?Present|Apologies(?: for absence)?|"
    r"The following (?:\w+ )?(?:have been invited|were invited|attended|were in attendance|were present)[^:]{0,60}|"
    r"(?:Also |Officers )?in attendance|Also present|Contact(?: officer)?s?)"
    r"(?:\s+(?:for|at|during)\s+(?:this|the)\s+[\w ]{2,30}?)?(?:\s+(?:were|was))?\s*(?:\([^)]*\))?\s*"
    r"(?:[:\-–]|(?:had been|have been|were|was) (?:received|given|submitted) (?:from|by))\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_NOT_NAMES = {"The", "This", "That", "Members", "Member", "Council", "Police", "Board", "Panel", "Committee", "Chair",
              "Agenda", "Item", "Minutes", "Officers", "Partnership", "Service", "Team", "Head", "Director"}  # fmt: skip
_ORG_WORDS = {"Community", "Communities", "Safety", "Safer", "Council", "Service", "Services", "Team", "Partnership",
              "Board", "Police", "Policing", "Area", "Panel", "Group", "District", "Borough", "County", "City",
              "Health", "Wellbeing", "Crime", "Place", "Leader", "Deputy", "Chairman", "Chair", "Commander",
              "Inspector", "Manager", "Director", "Officer", "Head", "Cabinet", "Scrutiny", "Committee", "Portfolio",
              "Holder", "Members", "Member", "Strategic", "Report", "Agenda", "Item", "Minutes", "Government",
              "Office", "Home", "National", "Probation", "Fire", "Rescue", "Street", "Road", "House", "Hall",
              "Constabulary", "Trust", "NHS", "Authority", "Tel", "Email"}  # fmt: skip


def role_of(post: str) -> str | None:
    low = post.lower()
    return next((role for pattern, role in ROLES if re.search(pattern, low)), None)


def clean_name(name: str) -> str | None:
    name = re.sub(rf"^(?:{TITLES}) +", "", name)
    words = name.split()
    while words and words[-1] in _NOT_NAMES:
        words.pop()
    if not words or words[0] in _NOT_NAMES or any(w in _ORG_WORDS for w in words):
        return None
    return " ".join(words)


@dataclass
class PersonMention:
    start: int
    end: int
    name: str  # as written ('Emma Maxwell', or 'Maxwell' with only a title)
    title: str | None  # 'Inspector', 'Cllr' ...
    post: str | None  # the post as written
    post_start: int | None = None
    post_end: int | None = None
    attendance: str | None = None  # present | apologies | in-attendance
    confidence: float = 0.7


def _from_match(m: re.Match, confidence: float) -> PersonMention | None:
    name = clean_name(m.group("name"))
    if name is None:
        return None
    groups = m.groupdict()
    post = groups.get("post")
    title = groups.get("title")
    start = m.start("name")
    if lead := re.match(rf"(?:{TITLES}) +", m.group("name")):  # 'Councillor Abbott, Assistant ...'
        start, title = start + lead.end(), title or lead.group().strip()
    return PersonMention(
        start, start + len(name), name, title, re.sub(r"^(?:the|and)\s+", "", post.strip()) if post else None,
        m.start("post") if post else None, m.end("post") if post else None, confidence=confidence,
    )  # fmt: skip


_PLURAL_TITLE = re.compile(r"\b(?:Councillors|Cllrs\.?) +(?=[A-Z])")
_LISTED = re.compile(
    rf"(?P<name>(?:[A-Z]\.? +)?{NAME})(?: +\((?P<post>[^()]{{3,80}})\))?(?P<sep>,? and |, )?"
)


def plural_titled(text: str) -> list[PersonMention]:
    """'Councillors M Butler and K Chequer (Sunderland City Council), J Foreman (South Tyneside
    Council) and Kami Kundi (Independent Member)': each a councillor of the council in the brackets
    after their group, except those whose brackets give another role."""
    out: list[PersonMention] = []
    for head in _PLURAL_TITLE.finditer(text):
        group: list[PersonMention] = []
        for m in _iter_listed(text, head.end()):
            name = clean_name(m.group("name"))
            if name is None:
                break
            group.append(
                PersonMention(m.start("name"), m.start("name") + len(name), name, "Councillor", None)
            )
            if m.group("post"):
                other = role_of(m.group("post")) not in (None, "councillor")
                for person in group:
                    person.post, person.post_start, person.post_end = (
                        m.group("post"),
                        m.start("post"),
                        m.end("post"),
                    )
                    person.title = None if other else person.title
                out += group
                group = []
        out += group
    return out


def _iter_listed(text: str, at: int) -> list[re.Match]:
    found = []
    while (m := _LISTED.match(text, at)) is not None:
        found.append(m)
        if not m.group("sep"):
            break
        at = m.end()
    return found


_TITLE_BEFORE = re.compile(rf"\b(?:{TITLES}) +$")


def _titled_at(text: str, found: PersonMention) -> bool:
    """A surname alone is a person when a title stands right before it ('Councillor Abbott, ...')."""
    before = _TITLE_BEFORE.search(text[max(0, found.start - 30) : found.start])
    if found.title is None and before is not None:
        found.title = before.group().strip()
    return found.title is not None


def find_people(text: str) -> list[PersonMention]:
    """Every person mention with a post or a title, the surest patterns first."""
    out: list[PersonMention] = []
    patterns = (
        (NAME_THEN_POST, 0.8), (POST_THEN_NAME, 0.8), (POST_PAREN_NAME, 0.75), (NAME_AS_POST, 0.8), (NAME_APPOINTED, 0.8),
    )  # fmt: skip
    for pattern, confidence in patterns:
        for m in pattern.finditer(text):
            if pattern is POST_THEN_NAME and any(p.post_start == m.start("post") for p in out):
                continue  # 'A, Head of X, Chief Inspector B': the post is A's, not B's
            found = _from_match(m, confidence)
            if (
                found
                and role_of(found.post or "")
                and (len(found.name.split()) >= 2 or _titled_at(text, found))
            ):
                out.append(found)
    for m in NAME_PAREN_POST.finditer(text):
        found = _from_match(m, 0.6)
        if found and role_of(found.post or "") and len(found.name.split()) >= 2:
            out.append(found)
    out += plural_titled(text)
    for m in TITLED.finditer(text):
        name = clean_name(m.group("name"))
        if name:
            start = m.start("name")
            out.append(PersonMention(start, start + len(name), name, m.group("title").rstrip("."), None))
    return out


_BARE_AND = re.compile(rf"\s*(?:(?:{TITLES})\s+)?(?:[A-Z]\.? +)?{NAME}(?= and (?:(?:{TITLES})\s+)?[A-Z])")


def _bare_name_and(rest: str, a: int, b: int) -> list[tuple[int, int]]:
    """An entry that starts with a bare name and ' and ' another person is two entries."""
    m = _BARE_AND.match(rest, a, b)
    if m is None or clean_name(m.group().strip()) is None:
        return [(a, b)]
    return [(a, m.end()), (m.end() + 5, b)]


def _attendance_entries(rest: str, offset: int) -> list[tuple[int, int, str]]:
    """The entries of a list 'A (Chair), B (Chief Executive, X Council) and C': commas and 'and'
    separate people outside brackets; where semicolons are used, only they do ('A, Post; B')."""
    out, depth, begin = [], 0, 0
    cuts = []
    separators = ";" if ";" in rest else ",;"
    for i, ch in enumerate(rest):
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and (ch in separators or (separators != ";" and rest.startswith(" and ", i))):
            cuts.append((begin, i))
            begin = i + (5 if ch == " " else 1)
    cuts.append((begin, len(rest)))
    if separators == ";":  # 'Cllr Carl Jackson and Gill Quinton, Corporate Director': two people
        cuts = [part for a, b in cuts for part in _bare_name_and(rest, a, b)]
    for a, b in cuts:
        entry = re.sub(r"^and ", "", rest[a:b].strip())
        stripped = entry.strip(" .")
        if stripped:
            at = a + rest[a:b].index(stripped)
            out.append((offset + at, offset + at + len(stripped), stripped))
    return out


_SUBSTITUTE = re.compile(
    r"\b(?:attended |attending )?(?:in place of|on behalf of|substituting for|as substitute for|deputising for)\b",
    re.IGNORECASE,
)
_POST_AFTER = re.compile(r"\s*(?:,|\s[-–]\s)\s*")  # 'Jo Bloggs, Head of X' or 'Jo Bloggs - Head of X'


def _substitutes(start: int, entry: str, kind: str) -> tuple[str, list[PersonMention]]:
    """Brackets naming a substitute ('(Simon James, Service Director attended in place of Richard)')
    or the member stood in for ('Vicky Hancox (on behalf of Josie Spencer)'): those people, and the
    entry with the brackets blanked (offsets kept)."""
    out: list[PersonMention] = []
    for m in re.finditer(r"\(([^()]*)\)", entry):
        sub = _SUBSTITUTE.search(m.group(1))
        if sub is None:
            continue
        at = start + m.start(1)
        if sub.start() == 0:  # the member who sent someone: listed, not present
            absent = m.group(1)[sub.end() :]
            lead = len(absent) - len(absent.lstrip())
            out += _attendance_entry(at + sub.end() + lead, 0, absent.strip(), "represented")
        else:
            out += _attendance_entry(
                at, 0, m.group(1)[: sub.start()].strip(" ,"), "present" if kind == "apologies" else kind
            )
        entry = entry[: m.start()] + " " * (m.end() - m.start()) + entry[m.end() :]
    return entry, out


def _attendance_entry(start: int, end: int, entry: str, kind: str) -> list[PersonMention]:
    """'Cllr A Smith (Chair)', 'Jo Bloggs, Head of X, Y Council', 'Jo Bloggs - Director', 'Jo Bloggs
    Tel 01234 ...', each with any substitute the brackets name. The post is what follows the name:
    brackets right after it, else the words after a comma or a dash."""
    entry, out = _substitutes(start, entry, kind)
    title = None
    lead = len(entry) - len(entry.lstrip("·•*-–— \t"))  # a bulleted list
    if m := re.match(rf"(?P<title>{TITLES})\s+", entry[lead:]):
        title, lead = m.group("title").rstrip("."), lead + m.end()
    m = re.match(rf"(?:[A-Z]\.? +)?{NAME}", entry[lead:])
    name = clean_name(m.group()) if m else None
    if not m or not name:
        return out
    rest_at = lead + m.end()
    post, post_at = None, None
    if b := re.match(r"\s*\(([^()]*)\)", entry[rest_at:]):
        post, post_at = b.group(1), start + rest_at + b.start(1)
    elif a := _POST_AFTER.match(entry[rest_at:]):
        post = entry[rest_at + a.end() :].rstrip(" .")
        post_at = start + rest_at + a.end()
        post = re.sub(r"\s{2,}.*$", "", post) or None  # up to a blanked substitute's bracket
    at = start + lead
    post_end = post_at + len(post) if post_at is not None and post else None
    kind_here = None if kind == "represented" else kind
    person = PersonMention(at, at + len(name), name, title, post, post_at, post_end, kind_here, 0.85)
    for other in out:
        if other.attendance is None and other.post is None:  # stood in for: the same organisation
            other.post, other.post_start, other.post_end = post, post_at, post_end
    return [person, *out]


def _list_after(rows: list[tuple[int, str]], k: int) -> list[tuple[int, str]]:
    """A list set out one person a line after 'Present:' (stops at a sentence or a heading)."""
    out = []
    for pos, line in rows[k + 1 : k + 40]:
        if (
            ATTENDANCE.match(line)
            or line.endswith(":")
            or len(line.split()) > 20
            or re.search(r"\.\s\w", line)
        ):
            break
        if re.match(r"^\d{1,3}\.?$", line):
            break
        out.append((pos, line))
    return out


def _rows(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line:
            out.append((pos, line))
        pos += len(line) + 1
    return out


def _kind(head: str) -> str:
    head = head.lower()
    if head.startswith("apolog"):
        return "apologies"
    if head.startswith("contact"):
        return "contact"
    invited = "attendance" in head or "also" in head or "invited" in head
    return "in-attendance" if invited else "present"


def _attendance_blocks(text: str) -> list[tuple[str, list[tuple[int, str]], bool]]:
    """(kind, [(offset, list text)], one person a line) of each attendance list in the text."""
    rows = _rows(text)
    out = []
    for k, (pos, line) in enumerate(rows):
        m = ATTENDANCE.match(line)
        if m is None:
            continue
        rest = m.group("rest").strip()
        parts = [(pos + m.start("rest"), m.group("rest"))] if rest else _list_after(rows, k)
        out.append((_kind(m.group("kind")), parts, not rest))
    return out


def attendance_lines(text: str) -> list[tuple[int, int]]:
    """The spans of the attendance lists (where a comma separates people, not a name from a post)."""
    return [(pos, pos + len(part)) for _, parts, _ in _attendance_blocks(text) for pos, part in parts]


def find_attendance(text: str) -> list[PersonMention]:
    """People in 'Present:', 'Apologies:', 'In attendance:' and 'Contact:' lists (on the line, or one a line after)."""
    out: list[PersonMention] = []
    for kind, parts, one_a_line in _attendance_blocks(text):
        for pos, part in parts:
            entries = [(pos, pos + len(part), part)] if one_a_line else _attendance_entries(part, pos)
            plural = None  # 'Councillors D. Moore and S. Thornley': the title covers the names after it
            for start, end, entry in entries:
                found = _attendance_entry(start, end, entry, kind)
                for person in found[:1]:
                    if person.title and re.fullmatch(r"Councillors|Cllrs\.?", person.title):
                        plural = person.title = "Councillor"
                    elif person.title or person.post:
                        plural = None
                    else:
                        person.title = plural
                if not found and out and out[-1].post is None and role_of(entry) and not one_a_line:
                    # 'Dr Kate Ward, Director of Public Health, and ...': the post of the name before it
                    out[-1].post, out[-1].post_start, out[-1].post_end = entry, start, end
                out += found
    return out


# an item about electing a chair: 'ELECTION OF VICE-CHAIRMAN', 'Appointment of Chair and Vice-Chair'
ELECTION_ITEM = re.compile(
    r"\b(?:election|appointment|appoint|elect)s?\s+(?:of\s+)?(?:a\s+|the\s+)?(?P<post>vice[- ]chair(?:man|person)?|chair(?:man|person)?)\b(?!\s+and)",
    re.IGNORECASE,
)
_ELECTED = re.compile(
    rf"\b(?:appointment|election|re-election) of (?:(?:{TITLES}) +)?(?P<a>(?:[A-Z]\.? +)?{NAME})|"
    rf"\b(?:(?:{TITLES}) +)?(?P<b>(?:[A-Z]\.? +)?{NAME}) (?:be|was|is|were|had been|has been) (?:duly )?(?:re-)?(?:elected|appointed)\b"
)


def elected_in_items(text: str, items: list[tuple[str, int, int]]) -> list[PersonMention]:
    """The person an election item elects ('ELECTION OF VICE-CHAIRMAN ... The Panel agreed the
    appointment of Councillor Hazel Watson'): that post, cited at the item's heading. Items are
    (title, start, end); an item electing both a chair and a vice-chair is left alone (who is which
    needs the sentence, which the other patterns read)."""
    out: list[PersonMention] = []
    for title, start, end in items:
        head = ELECTION_ITEM.search(title)
        if head is None:
            continue
        for m in _ELECTED.finditer(text, start, end):
            group = "a" if m.group("a") else "b"
            name = clean_name(m.group(group))
            if name and len(name.split()) >= 2:
                at = m.start(group)
                out.append(
                    PersonMention(
                        at,
                        at + len(name),
                        name,
                        None,
                        head.group("post"),
                        start,
                        start + len(title),
                        confidence=0.7,
                    )
                )
                break
    return out
