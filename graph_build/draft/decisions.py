"""Decisions, resolutions, recommendations and action points, item by item.

Minutes state decisions in a few forms: a formal cue opening a paragraph ("RESOLVED that",
"AGREED:", "Recommended to Cabinet"), often followed by numbered points; the meeting's own verb
("The Panel agreed", "It was agreed that", "Members requested that"); a ModernGov decision block
that keeps only the words after the cue ("That the report be noted."); an action point ("ACTION:
Officers to report back ...", "Jane Doe to circulate ..."); and an undertaking given at the
meeting ("The Commissioner agreed to ...", "the Chair undertook to ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .compose import Context, span
from .recognise import clip, sentences
from .segment import Paragraph

# --- cues -----------------------------------------------------------------------------------------
_NUMBERED = re.compile(r"^\d{1,3}(?:\.\d{1,2})+\s+|^\d{1,3}\.\s+(?=[A-Z])")  # '2.1 The minutes ...'
_FORMAL = re.compile(
    r"^(?:(?:UNANIMOUSLY|Unanimously|FURTHER|Further)\s+)?"
    r"(?P<kind>RESOLVED|Resolved|AGREED|Agreed|DECIDED|RECOMMENDED|Recommended|Recommendations?)\b"
    r"(?:\s*,)?(?:\s*(?:that|to)\b)?\s*[:\-–,]?\s*"
)
# The meeting's own verb, after an optional opening clause ('Following discussion, the Board agreed that')
_INFORMAL = re.compile(
    r"^(?:[^.;:]{0,60},\s+)?(?:[Ii]t was|(?:[Tt]he )?Members|[Tt]he (?:[\w-]+ ){0,2}(?:Committee|Panel|Board|"
    r"Partnership|Group|Sub-?[Gg]roup|Forum|Executive|Cabinet|Council|Members))\s+(?:unanimously\s+|therefore\s+)?"
    r"(?P<kind>(?i:resolved|agreed|recommended)|endorsed|approved|requested|asked(?= that| for|[^.;?]{0,60}? to [a-z])|"
    r"noted(?= the (?:report|update|presentation|contents|minutes|progress)))\b"
    r"(?:\s*(?:that|to)\b)?\s*[:\-–]?\s*"
)
# 'The following suggestions were noted by the Area Commander:-' opens a list of recommendations
_FOLLOWING = re.compile(
    r"^The following (?:(?P<rec>suggestions|recommendations|proposals) (?:were|was) (?:noted|agreed|accepted)"
    r"|(?:actions|action points) (?:were|was) (?:agreed|noted|recorded)|points (?:were|was) agreed)\b",
    re.IGNORECASE,
)
# A vote recorded on its own line: 'Agreed by unanimous vote.' after 'Proposal that ... be adopted.'
_VOTE_ONLY = re.compile(
    r"^(?:by (?:a )?(?:unanimous|majority) vote|unanimously|nem\.? con\.?|without dissent)?\.?$",
    re.IGNORECASE,
)
_NOTED = re.compile(
    r"^(?:The )?(?:report|update|minutes|notes|presentation|item|matter|consideration)\b[^.;]{0,80}? (?:was|were) "
    r"(?:duly )?(?P<kind>noted|received|approved|confirmed|signed|accepted|agreed|deferred|withdrawn|postponed)\b",
    re.IGNORECASE,
)
# A ModernGov decision block keeps only what follows the cue: 'That the report be noted.'
_THAT_BE = re.compile(
    r"^That (?:the |a |an |[A-Z])[^.;]{0,200}?\b(?:be|is|are) (?:\w+ly )?(?:re-)?\w+(?:ed|en|t)\b"
)
_ELECTED = re.compile(
    r"^(?:[^.;]{0,80}?\b)?(?:was|were|is) (?:duly |unanimously )?(?:re-?)?(?:elected|appointed)"
    r"(?: as)? (?:the )?(?:Chair|Chairman|Chairperson|Vice-?\s?Chair|Vice-?\s?Chairman|Deputy Chair)",
    re.IGNORECASE,
)
_MOTION = re.compile(r"\bMOVED\b.{0,120}?\bSECONDED\b(?P<rest>.*?)\b(?:CARRIED|carried)\b", re.DOTALL)
_NOTING = re.compile(
    r"\bbe (?:received and )?(?:noted|received)\b|^(?:the )?\w+ (?:report|update) be noted", re.IGNORECASE
)
_COMMITMENT = re.compile(
    r"\b(?:agreed|undertook|committed|promised|offered|gave (?:a|an) (?:commitment|undertaking)\b[^.;]{0,50}?) to"
    r" (?!be\b)\w+"
)
_ROLE_SUBJECT = re.compile(
    r"\b(?:[Tt]he |[Hh]e |[Ss]he )?(?:(?:[A-Z][\w-]*|and|of) ){0,5}(?:Clerk|Commissioner|PCC|Chair|Chairman|"
    r"Chairperson|Director|Manager|Officer|Officers|Inspector|Superintendent|Constable|Leader|Lead|Head|"
    r"Coordinator|Co-ordinator|Adviser|Advisor|Member|Portfolio Holder)\b(?:[^.;]{0,40}\b)?$"
    r"|^(?:[^.;]{0,60},\s+)?(?:[Hh]e|[Ss]he)\s+$"
)
# An action point: '<who> to <verb> ...' opening a sentence ('PCC to meet ...', 'Officers to report back')
_ACTION = re.compile(
    r"^(?:(?i:actions?(?: points?)?)\s*[:\-–]\s*)?(?P<actor>(?:[Tt]he |[Aa]ll )?[A-Z][\w’'.-]*(?: (?:[A-Z][\w’'.-]*|and|of|&)){0,5})"
    r" (?:to|will|(?:was|were) to|would(?= (?:report|provide|circulate|bring|update|write|look|investigate|"
    r"consider|arrange|share|send|meet|confirm|check|liaise|follow)\b))"
    r" (?!be\b|the\b|a\b|an\b|date\b|this\b|that\b|its\b|their\b|his\b|her\b|which\b)[a-z]{2,}\b"
)
# '... to the next meeting. (Action: Community Safety Manager)' or 'ACTION – JS'
_ACTION_OWNER = re.compile(
    r"[(\s]\(?(?:ACTION|Action)\s*(?:by)?\s*[:\-–]\s*(?P<owner>[A-Z][\w .,'’&/-]{1,60}?)\)?\.?$"
)
_ACTORS = {
    "pcc", "opcc", "commissioner", "officers", "officer", "members", "member", "police", "chair", "chairman",
    "vice-chair", "clerk", "partners", "partnership", "panel", "committee", "board", "council", "cabinet",
    "council officers", "police officers", "analysts", "performance analysts", "secretariat", "lead officer",
    "scrutiny officer", "democratic services", "all partners", "all members",
}  # fmt: skip
_TITLES = re.compile(
    r"^(?:Cllr|Councillor|Inspector|Chief Inspector|Sergeant|Superintendent|Chief Superintendent|"
    r"Mr|Mrs|Ms|Miss|Dr|Professor|Sir|Dame)\.? [A-Z]"
)
_ROLE_ACTOR = re.compile(
    r"^(?:(?:[A-Z][\w-]*|and|of|for) ){0,5}(?:Clerk|Commissioner|Chair|Chairman|Director|Manager|Officer|Officers|Inspector|"
    r"Superintendent|Constable|Leader|Lead|Head|Coordinator|Co-ordinator|Adviser|Advisor|Analyst|Team)$"
)
# Reported speech: '...; the Commissioner would ensure ...', 'he would update the Board', '(Sarah Hopkins
# offered to work with ...', 'the Commissioner was going to meet ...'
_VERBS = (
    r"meet|write|provide|circulate|report|bring|update|look|investigate|consider|arrange|share|send|confirm|check|"
    r"liaise|discuss|ensure|make|seek|raise|review|explore|follow|take|work|keep|give|invite|contact|speak|find|"
    r"feed|respond|pursue|include|publish|present|visit|attend|organise|organize|set up|add|prepare|produce"
)
_REPORTED = re.compile(
    r"(?:^|[,;(–:]\s*|\band\s+|(?=\b(?:[Hh]e|[Ss]he)\s))(?P<who>(?:[Tt]he |[Aa]ll )?[A-Z][\w’'.-]*(?: (?:[A-Z][\w’'.-]*|and|of|for|&)){0,6}"
    r"|[Hh]e|[Ss]he)\s+(?:also |now |then |personally )?(?:would|will|was going to|were going to|intended to|"
    r"planned to|(?:would be|was|were|be) (?:happy|willing|pleased) to|offered to|agreed to|undertook to|"
    rf"promised to|committed to)\s+(?:also |now |then |personally )?(?:{_VERBS})\b"
)
# 'Further to earlier discussion, it was agreed that ...' anywhere in a sentence
_AGREED_ANYWHERE = re.compile(
    r"\b[Ii]t was (?:unanimously |therefore |also |further |then )?(?P<kind>agreed|resolved)\b(?:\s*(?:that|to)\b)?\s*"
)
# Business for a later meeting: 'a new Vice-Chair will be elected at the next meeting', 'updates would be
# brought to the Board as and when appropriate', 'The Committee would receive a presentation at its next meeting'
_LATER_MEETING = re.compile(
    r"\b(?:will|would|is to|are to|was to|were to)\s+(?:also\s+)?(?:be\s+(?:brought|reported|presented|circulated|"
    r"provided|shared|submitted|elected|appointed|considered|discussed|reviewed|revisited|added|invited|referred|"
    r"sent|scheduled|arranged|taken)|receive|consider|return|come back)\b[^.;]{0,80}?"
    r"(?:\b(?:next|future|following|subsequent|later) meeting|\bas and when\b|\bto (?:the|this) "
    r"(?:Board|Committee|Panel|Partnership|Group|Forum|Cabinet)\b)"
)
_CLAUSE = re.compile(r"(?:\s[–-]\s|\(|;\s|:\s)")
_ADDRESSEE = re.compile(r"\b(?:to|of) (?:the )?(?=[A-Z])")
_POINT = re.compile(r"^\(?[a-z0-9]{1,3}[.)]\s*")
_BULLET = re.compile(r"^[·•▪\-–]\s")
_TABLE_HEADER = {"action", "actions", "action required", "agreed action"}
_TABLE_OWNER = {"owner", "lead", "by whom", "responsible", "who", "action by", "officer"}
_TABLE_MORE = {
    "deadline",
    "due",
    "date",
    "by when",
    "timescale",
    "status",
    "target date",
    "update",
    "no",
    "no.",
}


def _decision_kind(word: str, formal: bool) -> str:
    word = word.lower()
    if word.startswith("recommend"):
        return "recommendation"
    if word.startswith(("noted", "received")):
        return "noting"
    if word.startswith(("approved", "confirmed", "signed", "accepted")):
        return "resolution"  # minutes approved as a correct record
    if word.startswith(("resolv", "decided")) or (formal and word.startswith(("agreed", "decision"))):
        return "resolution"  # 'Agreed that -' heading a minute is the meeting's resolution
    return "decision"


def _cue(text: str) -> tuple[str, str] | None:
    """(kind, the words after the cue) when a paragraph states a decision."""
    text = _BULLET.sub("", _NUMBERED.sub("", text))
    for pattern, formal in ((_FORMAL, True), (_INFORMAL, False), (_NOTED, False)):
        m = pattern.match(text)
        if m:
            rest = text[m.end() :] if pattern is not _NOTED else text
            return _decision_kind(m.group("kind"), formal), rest
    if _THAT_BE.match(text) or _ELECTED.match(text):
        return "resolution", text
    if m := _FOLLOWING.match(text):
        return ("recommendation" if m.group("rec") else "decision"), ""  # the points that follow
    return None


def _addressee(ctx: Context, start: int, end: int) -> str | None:
    """The body a recommendation goes to: one named right after 'to (the)' or 'of (the)'."""
    for m in _ADDRESSEE.finditer(ctx.text, start, end):
        found = [x for x in ctx.mentions_in(m.end(), end) if x.start == m.end()]
        if found:
            return found[0].ids[0]
    return None


def _first_sentence(text: str) -> str:
    m = re.match(r".+?[.;](?=\s|$)", text)
    return m.group() if m else text


def _decision(ctx: Context, kind: str, start: int, end: int, text: str, to: str | None) -> dict | None:
    if kind == "recommendation" and not to:
        kind = "decision"  # no addressee found: the curator says to whom
    if kind == "resolution" and _NOTING.search(text):
        kind = "noting"  # 'RESOLVED that the report be noted' notes, it decides nothing
    text = re.sub(r"^to (?:the )?[A-Z][^,]*? that ", "", text) if kind == "recommendation" else text
    text = _BULLET.sub("", _NUMBERED.sub("", text))
    if not text.strip(" .;:–-"):
        return None
    entry: dict[str, Any] = {"kind": kind, "text": clip(_first_sentence(text))}
    if kind == "recommendation":
        entry["to"] = to
    entry["cite"] = ctx.cite(start)
    entry["draft"] = span(start, end, 0.7 if kind != "decision" else 0.55, quoted=True)
    return entry


def item_decisions(ctx: Context, index: int) -> list[dict]:
    """Decisions in one agenda item: a cue paragraph, and its lettered/numbered points after it."""
    return decisions_in(ctx, [p for p in ctx.doc.paragraphs if p.item == index])


def _opens_list(
    ctx: Context, para: Paragraph, text: str, kind: str, to: str | None
) -> tuple[str, str | None] | None:
    """A paragraph ending in ':' opens a list of points; 'the following recommendations ... to X:'
    makes them recommendations to X."""
    if not text.rstrip().endswith((":", "–", "-")) and (
        len(text.split()) >= 4 or text.rstrip().endswith(".")
    ):
        return None  # a whole sentence ('The Panel noted the report.'), not a list's heading
    if re.search(r"recommendations?\b", text, re.IGNORECASE):
        return "recommendation", _addressee(ctx, para.start, para.end) or to
    return kind, to


def _is_actor(ctx: Context, actor: str, start: int) -> bool:
    """Who an action point is for: a role ('Officers', 'the PCC', 'the Scrutiny Officer'), a titled
    person, a body named in the text, or a person's first name and surname (not a place)."""
    bare = re.sub(r"^(?:the|all) ", "", actor, flags=re.IGNORECASE)
    if bare.lower() in _ACTORS or _TITLES.match(bare) or _ROLE_ACTOR.match(bare):
        return True
    if any(m.start <= start + len(actor) - len(bare) < m.end for m in ctx.mentions):
        return True
    names = bare.split()
    return (
        2 <= len(names) <= 3
        and all(w[:1].isupper() and w.isalpha() and not w.isupper() for w in names)
        and not ctx.resolver.names_a_place([(w.lower(), 0, 0, w, False) for w in names])
    )


def _action_point(ctx: Context, start: int, end: int, sentence: str) -> dict | None:
    """'<who> to <do> ...' opening a sentence or a clause ('... – Rob Sowden to find out and report back')."""
    lead = _POINT.match(sentence) or _BULLET.match(sentence)
    offsets = [lead.end() if lead else 0] + [c.end() for c in _CLAUSE.finditer(sentence)]
    for offset in offsets:
        m = _ACTION.match(sentence[offset:])
        if m is not None and _is_actor(ctx, m.group("actor"), start + offset):
            return _tentative(_decision(ctx, "decision", start, end, sentence[offset:], None))
    return None


def _reported(ctx: Context, start: int, end: int, sentence: str) -> dict | None:
    """An undertaking in reported speech by a role, a titled or named person, a body, or 'he'/'she'."""
    for m in _REPORTED.finditer(sentence):
        who = m.group("who")
        if who.lower() in ("he", "she") or _is_actor(ctx, who, start + m.start("who")):
            return _tentative(_decision(ctx, "decision", start, end, sentence, None), 0.4)
    return None


def _tentative(entry: dict | None, confidence: float = 0.45) -> dict | None:
    if entry is not None:
        entry["draft"]["confidence"] = confidence
    return entry


def _undertaking(ctx: Context, start: int, end: int, sentence: str) -> dict | None:
    """'In response, the Town Clerk agreed to include ...', 'Inspector Fenton undertook to provide ...':
    someone named, titled or holding a role gives an undertaking at the meeting."""
    m = _COMMITMENT.search(sentence)
    if m is None:
        return None
    before = sentence[: m.start()]
    if (
        ctx.mentions_in(start, start + m.start())
        or re.search(r"\b(?:[A-Z][a-z]+ ){1,2}$", before)
        or _ROLE_SUBJECT.search(before)
    ):
        return _tentative(_decision(ctx, "decision", start, end, sentence, None))
    return None


def _agreed_in_passing(ctx: Context, start: int, end: int, sentence: str) -> dict | None:
    """A decision stated inside a paragraph of discussion: 'Members agreed that ...', '..., it was
    agreed that ...', or business put to a later meeting ('... will be elected at the next meeting')."""
    if m := _INFORMAL.match(sentence) or _AGREED_ANYWHERE.search(sentence):
        return _decision(ctx, _decision_kind(m.group("kind"), False), start, end, sentence[m.end() :], None)
    if _LATER_MEETING.search(sentence):
        return _tentative(_decision(ctx, "decision", start, end, sentence, None), 0.4)
    return None


def _owned_action(ctx: Context, para: Paragraph) -> dict | None:
    """A paragraph ending with its owner: '... to the next meeting. (Action: Community Safety Manager)'."""
    m = _ACTION_OWNER.search(para.text)
    if m is None:
        return None
    owner = m.group("owner").strip(" .,")
    if not (
        re.fullmatch(r"[A-Z]{2,4}(?:[/, ]+[A-Z]{2,4})*", owner)
        or _is_actor(ctx, owner, para.start + m.start("owner"))
    ):
        return None
    text = para.text[: m.start()].strip() or f"Action for {owner}"
    return _tentative(_decision(ctx, "decision", para.start, para.end, text, None), 0.5)


def _motion(ctx: Context, para: Paragraph) -> dict | None:
    """'Cllr A MOVED and Cllr B SECONDED that ..., which was CARRIED': a resolution."""
    m = _MOTION.search(para.text)
    if m is None:
        return None
    rest = re.sub(r"^\s*(?:that|to)\s+", "", m.group("rest")).rstrip(" ,;.").removesuffix(", which was")
    return _decision(ctx, "resolution", para.start, para.end, rest.removesuffix(" which was"), None)


def _commitments(ctx: Context, para: Paragraph) -> list[dict]:
    """Action points and undertakings stated in a paragraph's sentences: each one a decision."""
    out = []
    for start, end, sentence in sentences(ctx.text, para.start, para.end):
        entry = (
            _action_point(ctx, start, end, sentence)
            or _undertaking(ctx, start, end, sentence)
            or _reported(ctx, start, end, sentence)
            or _agreed_in_passing(ctx, start, end, sentence)
        )
        if entry is not None:
            out.append(entry)
    return out


def _action_table(ctx: Context, paras: list[Paragraph], at: int) -> tuple[list[dict], int]:
    """An action log read from a table, one cell a line: 'Action', 'Owner'[, 'Deadline'] then rows."""
    columns = 1
    while (
        at + columns < len(paras) and paras[at + columns].text.strip().lower() in _TABLE_OWNER | _TABLE_MORE
    ):
        columns += 1
    if columns < 2 or paras[at + 1].text.strip().lower() not in _TABLE_OWNER:
        return [], at
    out, row = [], at + columns
    while row + columns <= len(paras) and len(paras[row].text.split()) >= 3:
        cells = [p.text.strip() for p in paras[row : row + columns]]
        if len(cells[1].split()) > 6:
            break
        text = f"{cells[1]}: {cells[0]}" + (f" ({', '.join(cells[2:])})" if columns > 2 else "")
        entry = _tentative(
            _decision(ctx, "decision", paras[row].start, paras[row + columns - 1].end, text, None), 0.5
        )
        if entry is not None:
            out.append(entry)
        row += columns
    return out, row - 1


def _ends_list(text: str) -> bool:
    return not _BULLET.match(text) and not text[:1].islower() and len(text.split()) > 3


def _names_only_addressee(ctx: Context, para: Paragraph, rest: str) -> bool:
    """A list's heading that only says to whom ('The Panel RECOMMENDED to the Commissioner:'): no
    decision of its own, unlike 'the notes of the meeting held on 28 May, subject to:'."""
    words = re.sub(r"^(?:to )?(?:the )?", "", rest.strip(" :–-,"), flags=re.IGNORECASE)
    at = para.start + para.text.rfind(words) if words else -1
    return not words or any(
        m.start <= at and at + len(words) <= m.end + 1 for m in ctx.mentions_in(at, para.end)
    )


@dataclass
class _List:
    """An open list of points: their kind and addressee; `bare` when its cue stood alone
    ('RESOLVED:'), `bullets` when its points are bullets rather than numbers or letters."""

    kind: str | None = None
    to: str | None = None
    bare: bool = False
    bullets: bool = False

    def close(self) -> None:
        self.kind, self.to, self.bare, self.bullets = None, None, False, False


def _voted(ctx: Context, paras: list[Paragraph], at: int, kind: str) -> dict | None:
    """'Agreed by unanimous vote.' on its own line: the proposal voted on is the paragraph before."""
    before = paras[at - 1]
    text = re.sub(
        r"^(?:Proposal|It was proposed|(?:The )?motion) that\s+", "", before.text, flags=re.IGNORECASE
    )
    return _decision(ctx, kind, before.start, paras[at].end, text, None)


def _cue_paragraph(ctx: Context, para: Paragraph, cue: tuple[str, str], open_list: _List) -> dict | None:
    """A paragraph opening with a cue: its decision, and the list it may open."""
    kind, rest = cue
    to = _addressee(ctx, para.start, para.end)
    opened = _opens_list(ctx, para, rest, kind, to)
    open_list.close()
    if opened is not None:
        open_list.kind, open_list.to = opened
        open_list.bare = not rest.strip(" :–-,")
    if opened is None or (len(rest.split()) >= 4 and not _names_only_addressee(ctx, para, rest)):
        return _decision(ctx, kind, para.start, para.end, rest.rstrip(":–- "), to)
    return None


def decisions_in(ctx: Context, paras: list[Paragraph]) -> list[dict]:
    out: list[dict | None] = []
    open_list = _List()
    at = -1
    while (at := at + 1) < len(paras):
        para = paras[at]
        if para.text.strip().lower() in _TABLE_HEADER:
            rows, at = _action_table(ctx, paras, at)
            out += rows
            continue
        cue = _cue(para.text)
        bullet = bool(_BULLET.match(para.text)) and (open_list.bare or open_list.bullets)
        is_point = bool(_POINT.match(para.text)) or para.label.endswith(")") or bullet
        if open_list.kind and not (is_point or open_list.bare or cue) and _ends_list(para.text):
            open_list.close()  # bullets and run-on lines belong to the point before
        if open_list.bare and not is_point and not (cue and cue[0] in ("recommendation", "noting")):
            text = (
                cue[1] if cue else para.text
            )  # 'RESOLVED:' alone, then 'The Panel agreed the appointment ...'
            out.append(
                _decision(
                    ctx,
                    open_list.kind or "resolution",
                    para.start,
                    para.end,
                    text.rstrip(":–- "),
                    open_list.to,
                )
            )
            open_list.close()
        elif cue and cue[1].strip() and _VOTE_ONLY.match(cue[1].strip()) and at > 0:
            out.append(_voted(ctx, paras, at, cue[0]))
        elif cue and not (open_list.kind and is_point):
            out.append(_cue_paragraph(ctx, para, cue, open_list))
        elif open_list.kind and is_point:
            open_list.bare, open_list.bullets = False, bullet
            text = _BULLET.sub("", _POINT.sub("", para.text))
            out.append(
                _decision(ctx, open_list.kind, para.start, para.end, text.rstrip(":–- "), open_list.to)
            )
            if text.rstrip().endswith(":") and (
                opened := _opens_list(ctx, para, text, open_list.kind, open_list.to)
            ):
                open_list.kind, open_list.to = opened
        elif not open_list.kind and (found := _motion(ctx, para) or _owned_action(ctx, para)) is not None:
            out.append(found)
        elif not open_list.kind:
            out += _commitments(ctx, para)
    return [d for d in out if d]
