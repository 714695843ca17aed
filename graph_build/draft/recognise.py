"""Decisions, performance figures, named initiatives, concerns and accountability links.

Rule-based over sentences: a cue word says what kind of fact a sentence states, the bodies
named in it say who. Wording taken from the minutes is marked `quoted: true` in the draft, for
the curator to restate in our own words.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from .bodies import Mention
from .compose import Context, span
from .gazetteer import slug

_SENTENCE = re.compile(r"[^\n]+?(?:[.!?;](?=\s|$)|$)", re.MULTILINE)  # '£322.11' is no sentence end
_CLIP = 160


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    end = len(text) if end is None else end
    return [
        (start + m.start(), start + m.end(), m.group().strip())
        for m in _SENTENCE.finditer(text[start:end])
        if len(m.group().split()) >= 3
    ]


def clip(text: str, limit: int = _CLIP) -> str:
    """A short restatement start: the clause up to `limit` characters, cut at a word."""
    text = re.sub(r"\s+", " ", text).strip(" ;:,.–-")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


# --- performance figures ----------------------------------------------------------------------
NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}  # fmt: skip
_NUMBER = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + "|".join(NUMBER_WORDS)
_NOUNS = (
    r"incidents?|crimes?|offences?|calls?|arrests?|referrals?|victims?|officers?|cases?|reports?|complaints?|people"
    r"|young people|children|households?|visits?|fines?|notices?|FPNs?|PCSOs?|staff|posts?|premises|warrants?"
    r"|charges?|prosecutions?|members?|agencies|projects?|schemes?|centres?|forces|areas|meetings?|fires?|MPs"
    r"|partners|organisations|groups|teams|beds|places|patrols|properties|homes|businesses|volunteers"
)
_FIGURE = re.compile(
    r"(?P<gbp>£\s?(?P<money>\d[\d,]*(?:\.\d+)?)\s?(?P<scale>k|m|million|bn|billion)?\b)"
    r"|(?P<pct>(?<![\w./£-])(?P<pnum>\d+(?:\.\d+)?)\s?(?:%|per ?cent\b))"
    rf"|(?P<cnt>(?<![\w./£:-])(?P<cnum>{_NUMBER})(?:\s+of\s+(?:the\s+)?\d+)?\s+(?:[\w-]+\s+){{0,2}}?(?P<noun>{_NOUNS}))\b"
    rf"|(?P<dur>(?<![\w./£:-])(?P<dnum>{_NUMBER})\s+(?P<dunit>minutes|hours)\b)"  # longer spans are periods
    r"|(?P<by>\b(?:up|down|fell|rose|risen|fallen|increased|decreased|reduced|cut) by (?P<bnum>\d{1,3}(?:,\d{3})+|\d+)\b(?![%.]))",
    re.IGNORECASE,
)
_PERIOD = re.compile(
    r"\b(?:(?:19|20)\d\d[-/](?:\d\d|(?:19|20)\d\d)|(?:january|february|march|april|may|june|july|august|september|"
    r"october|november|december)\s+(?:19|20)\d\d|(?:19|20)\d\d|(?:last|past|previous) (?:\d+|twelve|six|three) "
    r"(?:months|years|weeks)|(?:per|each|a) (?:quarter|month|year|week))\b",
    re.IGNORECASE,
)
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_DAY_OF_DATE = re.compile(rf"^(?:st|nd|rd|th)?\s+{_MONTHS}\b|^[/.-]\d", re.IGNORECASE)
_AFTER_MONTH = re.compile(rf"\b{_MONTHS}\s+$", re.IGNORECASE)
_REFERENCE = re.compile(
    r"\b(?:recommendations?|paragraphs?|paras?|sections?|items?|appendix|appendices|annex(?:es)?|minutes?|"
    r"pages?|clauses?|tables?|figures?|rules?|standing orders?|chapters?|parts?|no\.?|number)\s+$",
    re.IGNORECASE,
)
_SCALE = {"k": 1000, "m": 1_000_000, "million": 1_000_000, "bn": 1_000_000_000, "billion": 1_000_000_000}
_PHONE_LINES = {"101", "999", "111"}


def _figure_value(m: re.Match) -> tuple[Decimal, str] | None:
    try:
        if m.group("gbp"):
            value = Decimal(m.group("money").replace(",", "")) * _SCALE.get(
                (m.group("scale") or "").lower(), 1
            )
            return value, "gbp"
        if m.group("pct"):
            return Decimal(m.group("pnum")), "percent"
        number, unit = (
            (m.group("cnum"), "count")
            if m.group("cnt")
            else (
                (m.group("dnum"), m.group("dunit").lower()) if m.group("dur") else (m.group("bnum"), "count")
            )
        )
        if number in _PHONE_LINES or (unit == "count" and re.fullmatch(r"(?:19|20)\d\d", number)):
            return None  # '101 calls' is the police's non-emergency line; '2020 meetings' a year
        word = NUMBER_WORDS.get(number.lower())
        return (Decimal(word) if word else Decimal(number.replace(",", ""))), unit
    except InvalidOperation:
        return None


def _not_a_figure(sentence: str, m: re.Match) -> bool:
    """A number that is no measurement: the day of a date ('15 November'), a section or
    recommendation number ('paragraph 3.7', 'recommendation 2.1'), or a count with decimals."""
    if m.group("cnt") or m.group("dur"):
        name = "cnum" if m.group("cnt") else "dnum"
        number, at = m.group(name), m.start(name)
        after = sentence[at + len(number) :]
        if "." in number or _DAY_OF_DATE.match(after) or _AFTER_MONTH.search(sentence[:at]):
            return True
    return bool(_REFERENCE.search(sentence[: m.start()]))


def _indicator(sentence: str, at: int) -> str:
    """The words around a figure that say what it measures (the curator rewords them)."""
    before = re.split(r"[;:(]|,\s", sentence[:at])[-1]
    words = before.split()[-8:]
    after = re.split(r"[;:)]|[,.]\s|[,.]$", sentence[at:])[0].split()[:6]
    return clip(" ".join(words + after), 100) or "figure"


_COMPARISON = re.compile(r"(?:target|compared with|up from|down from|from)\s+(?:of\s+)?$", re.IGNORECASE)


def observations(ctx: Context) -> list[dict]:
    out: list[dict] = []
    seen: set[tuple] = set()
    for start, end, sentence in sentences(ctx.text):
        for m in _FIGURE.finditer(sentence):
            found = _figure_value(m)
            if found is None or _not_a_figure(sentence, m):
                continue
            value, unit = found
            if _COMPARISON.search(sentence[: m.start()][-30:]) and out and out[-1]["cite"] == ctx.cite(start):
                out[-1].setdefault("comparison", clip(sentence[max(0, m.start() - 20) : m.end()], 60))
                continue  # 'against a target of 90%' qualifies the figure before it
            key = (value, unit, ctx.cite(start))
            if key in seen:
                continue
            seen.add(key)
            entry: dict[str, Any] = {
                "indicator": _indicator(sentence, m.start()),
                "value": float(value) if value % 1 else int(value),
                "unit": unit,
            }
            if period := _PERIOD.search(sentence):
                entry["period"] = period.group()
            bodies = ctx.mentions_in(start, end)
            if bodies:
                entry["area"] = bodies[0].ids[0]
            entry["cite"] = ctx.cite(start)
            entry["draft"] = span(start + m.start(), start + m.end(), 0.6, quoted=True)
            out.append(entry)
    return out


# --- initiatives --------------------------------------------------------------------------------
_INITIATIVE = re.compile(
    r"\b(?P<op>Operation|Project) (?P<opname>[A-Z][\w’'-]+(?: [A-Z][\w’'-]+)?)"
    r"|(?P<name>(?:[A-Z][\w’'-]*|&)(?: (?:[A-Z][\w’'-]*|and|&|of|for|the|to|on))*? "
    r"(?P<head>Pilot|Strategy|Plan|Programme|Project|Review|Assessment|Hub|Scheme|Initiative)"
    r"(?: (?:19|20)\d\d(?:[-/–](?:19|20)?\d\d)?)?)\b"
)
_POST_WORDS = {"director", "head", "deputy", "chief", "assistant", "manager", "officer", "lead", "member",
               "portfolio", "cabinet", "mayor", "commissioner", "chair", "chairman"}  # fmt: skip
_PROCESS_WORDS = {"delivery", "feedback", "update", "progress", "refresh", "consultation", "launch", "review"}
_BODY_WORDS = {"team", "unit", "group", "board", "service", "partnership", "panel", "committee"}
_YEARS = re.compile(r"\s(?:19|20)\d\d(?:[-/–](?:19|20)?\d\d)?$")


def _initiative_words(words: list[str]) -> list[str]:
    """The initiative's own name in a longer phrase: 'Delivery of the Police and Crime Plan' and
    'Deputy Mayor for Policing and Crime on the West Yorkshire Police and Crime Plan' name the plan;
    'Director of Strategy' is a post."""
    if words and words[0].lower() in _POST_WORDS | _PROCESS_WORDS:
        for i in range(len(words) - 2, 0, -1):
            if words[i] in ("of", "on", "for") and words[i + 1] == "the" and len(words) - i - 2 >= 2:
                return words[i + 2 :]
    return [] if words and words[0].lower() in _POST_WORDS else words


_TYPES = {"operation": "Operation", "pilot": "Pilot", "strategy": "Strategy", "plan": "Plan",
          "programme": "Programme", "project": "Project", "review": "Review", "assessment": "Assessment",
          "hub": "Hub", "scheme": "Programme", "initiative": "Programme"}  # fmt: skip
_NOT_INITIATIVE = {"the", "this", "a", "an", "our", "their", "its", "draft", "new", "agenda", "item"}


def initiatives(ctx: Context) -> list[dict]:
    seen: dict[str, dict] = {}
    for m in _INITIATIVE.finditer(ctx.text):
        if m.group("op"):
            own = m.group("opname").split()
            own = (
                own[:-1] if len(own) > 1 and own[-1].lower() in _BODY_WORDS else own
            )  # 'Operation Reacher Team'
            name, kind = f"{m.group('op')} {' '.join(own)}", m.group("op").lower()
            kind = "operation" if kind == "operation" else "project"
        else:
            words = m.group("name").split()
            while words and words[0].lower() in _NOT_INITIATIVE | {"and", "of", "for", "to", "on"}:
                words.pop(0)
            words = _initiative_words(words)
            if len(words) < 2:
                continue
            name, kind = " ".join(words), m.group("head").lower()
        key = slug(_YEARS.sub("", name)).removeprefix(slug(ctx.place.name or "") + "-")
        same = next((k for k in seen if key == k or key.endswith(f"-{k}") or k.endswith(f"-{key}")), None)
        if same is not None and len(name) <= len(seen[same]["name"]):
            continue  # 'Police and Crime Plan' again; a fuller name ('... Strategy 2024-2027') replaces it
        start = m.end() - len(name) if not m.group("op") else m.start()
        end = m.end() if not m.group("op") else m.start() + len(name)
        seen[same or key] = {
            "id": ctx.fresh_id(
                name
                if key.startswith(slug(ctx.place.name or "")) or kind == "operation"
                else f"{ctx.place.name or ''} {name}"
            ),
            "type": _TYPES[kind],
            "name": name,
            "cite": ctx.cite(start),
            "draft": span(start, end, 0.75 if kind in ("operation", "pilot", "strategy") else 0.55),
        }
    return list(seen.values())


# --- concerns -----------------------------------------------------------------------------------
_CONCERN_CUES = (
    ("gap", re.compile(r"\b(?:no formal link|lack of|lacked|gaps?\b|shortfall|insufficient|not (?:been )?possible|"
                       r"not included|no capacity|unable to|did not have|was not in place)\b", re.IGNORECASE)),
    ("concern", re.compile(r"\b(?:concerns?|concerned|weakness(?:es)?|worr(?:y|ied|ies)|at risk|a risk|pressures?)\b", re.IGNORECASE)),
    ("question", re.compile(r"\b(?:questioned|asked (?:whether|what|why|how|if)|unclear|queried)\b", re.IGNORECASE)),
    ("contested", re.compile(r"\b(?:disputed|disagreed|contested|challenged)\b", re.IGNORECASE)),
)  # fmt: skip


def concerns(ctx: Context) -> list[dict]:
    out = []
    for start, end, sentence in sentences(ctx.text):
        kind = next((k for k, cue in _CONCERN_CUES if cue.search(sentence)), None)
        if kind is None:
            continue
        about = list(dict.fromkeys(m.ids[0] for m in ctx.mentions_in(start, end)))
        if not about and ctx.meeting_body:
            about = [ctx.meeting_body]
        if not about:
            continue
        entry: dict[str, Any] = {"kind": kind, "about": about, "statement": clip(sentence)}
        if (
            re.search(r"\b(?:members|the (?:panel|committee|board))\b", sentence, re.IGNORECASE)
            and ctx.meeting_body
        ):
            entry["raised_by"] = ctx.meeting_body
        entry["cite"] = ctx.cite(start)
        entry["draft"] = span(start, end, 0.5, quoted=True)
        out.append(entry)
    return out


# --- accountability links -------------------------------------------------------------------------
# (cue, mechanism, the holder is the body before the cue; passive forms swap the two)
_LINK_CUES = (
    (r"report(?:s|ed|ing)? (?:back )?(?:to|into)", "reporting", False),
    (r"(?:hold|holds|held|holding)(?=[^.;]{0,60}\b(?:to account|accountable)\b)", "holding-to-account", True),
    (r"accountable to", "holding-to-account", False),
    (r"scrutini[sz](?:e|es|ed|ing)", "scrutiny", True),
    (r"commission(?:s|ed|ing)?", "commissioning", True),
    (r"fund(?:s|ed|ing)?", "funding", True),
    (r"contract[- ]manag(?:e|es|ed|ing|ement)", "contract-management", True),
    (r"(?:a )?sub-?group of", "sub-group", False),
    (r"oversight of|oversees|oversaw|overseen", "oversight", True),
    (r"convenes|convened|chairs and convenes", "governance", True),
    (r"inspect(?:s|ed|ion of)", "inspection", True),
)  # fmt: skip


_BACK_REFERENCE = re.compile(
    r"\bthe (?P<head>Forum|Board|Group|Panel|Partnership|Committee|Team|Service|Unit|Hub|Project|Programme|Scheme)\b"
)


def _indefinite(ctx: Context, start: int, m: Mention) -> bool:
    """'an Avon and Somerset-wide strategic Board': a generic name after 'a' is some body, not a known one."""
    return (
        bool(m.generic)
        and re.search(r"\b(?:a|an|each|any|every)\s+(?:[\w'’-]+\s+){0,5}$", ctx.text[start : m.start])
        is not None
    )


def _ends(ctx: Context, start: int, end: int, named: list[dict]) -> list[Mention]:
    """What a link can join in a sentence: the bodies named, the initiatives named ('the Youth
    Diversion Project'), and 'the Forum' standing for the last body or initiative so named before it
    in the same paragraph."""
    ends = [m for m in ctx.mentions_in(start, end) if m.ids[0] and not _indefinite(ctx, start, m)]
    ends += [
        Mention(i["draft"]["span"][0], i["draft"]["span"][1], i["name"], [i["id"]], 0.5)
        for i in named
        if start <= i["draft"]["span"][0] and i["draft"]["span"][1] <= end
    ]
    para = ctx.doc.paragraph_at(start)
    para_start = para.start if para else start
    for m in _BACK_REFERENCE.finditer(ctx.text, start, end):
        if any(x.start <= m.start() < x.end or x.start <= m.start("head") < x.end for x in ends):
            continue
        earlier = [
            x for x in [*ctx.mentions_in(para_start, m.start()), *ends] if x.end <= m.start() and x.ids[0]
            and x.surface.lower().endswith(m.group("head").lower())
        ]  # fmt: skip
        if earlier:
            last = max(earlier, key=lambda x: x.start)
            ends.append(Mention(m.start(), m.end(), m.group(), [last.ids[0]], 0.4))
    return sorted(ends, key=lambda x: x.start)


def _passive(sentence: str, m: re.Match) -> bool:
    return re.match(r"\s*by\b", sentence[m.end() :]) is not None or sentence[
        max(0, m.start() - 4) : m.start()
    ].strip().lower() in ("be", "is", "was", "are", "were")


_INITIATIVE_LINKS = {"commissioning", "funding", "contract-management", "reporting", "oversight"}


def _may_join(ctx: Context, mechanism: str, *ends: Mention) -> bool:
    """An initiative is commissioned, funded, contract-managed, overseen or reports; it scrutinises
    nothing and is not scrutinised as a body is."""
    bodies = {m.ids[0] for m in ctx.mentions}
    return mechanism in _INITIATIVE_LINKS or all(e.ids[0] in bodies for e in ends)


def _agent_after(ctx: Context, target: Mention, after: list[Mention]) -> Mention | None:
    """The agent of a passive cue with its object first: '... reported to the Home Office by the OPCC'."""
    following = [x for x in after if x.start >= target.end]
    if following and re.fullmatch(r"\s*by\s+(?:the\s+)?", ctx.text[target.end : following[0].start]):
        return following[0]
    return None


def _cue_ends(
    ctx: Context, start: int, sentence: str, m: re.Match, ends: list[Mention]
) -> tuple[Mention, Mention, bool] | None:
    """The two ends of one cue: (the one before or the agent, the one after, passive). The one after
    must follow within a few words, in the same clause."""
    after = [x for x in ends if x.start >= start + m.end()]
    if not after or re.search(
        r"[;:]|\b(?:which|who|while|whereas)\b", ctx.text[start + m.end() : after[0].start]
    ):
        return None
    if after[0].start - (start + m.end()) > 60:
        return None
    second, passive = after[0], _passive(sentence, m)
    agent = _agent_after(ctx, second, after)
    if agent is not None:  # 'reported to the Home Office by the OPCC': the OPCC reports
        return agent, second, False
    before = [x for x in ends if x.end <= start + m.start()]
    if not before:
        return None
    if passive:  # the subject: the nearest body before that is no earlier cue's agent
        subjects = [
            x
            for x in before
            if not re.search(r"\bby\s+(?:the\s+)?$", ctx.text[max(start, x.start - 8) : x.start])
        ]
        return (subjects or before)[-1], second, True
    return before[-1], second, False


def _links_in(ctx: Context, start: int, end: int, sentence: str, named: list[dict]) -> list[dict]:
    """Every cue of a sentence with a body (or initiative) on each side: the holder is the subject of
    an active cue ('the Board holds the Forum to account'), the agent of a passive one ('the Project
    is commissioned by the PCC and contract-managed by the Council': the Project is held twice)."""
    ends = _ends(ctx, start, end, named)
    out = []
    for cue, mechanism, holder_first in _LINK_CUES:
        for m in re.finditer(rf"\b{cue}\b", sentence, re.IGNORECASE):
            found = _cue_ends(ctx, start, sentence, m, ends)
            if found is None:
                continue
            first, second, passive = found
            if first.ids[0] == second.ids[0] or not _may_join(ctx, mechanism, first, second):
                continue
            holder, held = (first, second) if holder_first != passive else (second, first)
            out.append({
                "holder": holder.ids[0], "held": held.ids[0], "mechanism": mechanism, "status": "proposed",
                "cite": ctx.cite(start), "draft": span(start, end, 0.45, quoted=False),
            })  # fmt: skip
    return out


def links(ctx: Context, named: list[dict] | None = None) -> list[dict]:
    out, seen = [], set()
    for start, end, sentence in sentences(ctx.text):
        for link in _links_in(ctx, start, end, sentence, named or []):
            if (key := (link["holder"], link["held"], link["mechanism"])) not in seen:
                seen.add(key)
                out.append(link)
    return out


SCRUTINY_TYPES = {"CrimeAndDisorderCommittee", "JointCrimeAndDisorderCommittee", "ScrutinyCommittee",
                  "PoliceAndCrimePanel", "PoliceFireAndCrimePanel", "CombinedAuthorityPoliceAndCrimePanel"}  # fmt: skip
SCRUTINISED = {
    "PoliceAndCrimePanel": "pcc",
    "PoliceFireAndCrimePanel": "pcc",
    "CombinedAuthorityPoliceAndCrimePanel": "pcc",
}
_PRESENTS = re.compile(
    r"\b(?:presented|introduced|submitted|gave|provided|delivered|spoke to)\b[^.;]{0,40}?"
    r"\b(?:report|update|presentation|overview|paper|plan|strategy)\b"
    r"|\b(?:reported|updated (?:the|members)|briefed)\b",
    re.IGNORECASE,
)
# A council committee that says it does the crime and disorder scrutiny of s.19 Police and Justice Act 2006
_CDC_ROLE = re.compile(
    r"\bPolice and Justice Act 2006\b|\bcrime and disorder (?:scrutiny )?(?:committee|functions?|matters)\b"
    r"|\bscrutini[sz](?:e|es|ing) (?:the work of )?the (?:Community Safety |Crime and Disorder (?:Reduction )?)?Partnership\b",
    re.IGNORECASE,
)
_COMMITTEE_TYPES = {"CouncilCommittee", "ScrutinyCommittee"}


def _link(
    ctx: Context, holder: str, held: str, mechanism: str, start: int, end: int, confidence: float
) -> dict:
    return {
        "holder": holder, "held": held, "mechanism": mechanism, "status": "proposed",
        "cite": ctx.cite(start), "draft": span(start, end, confidence, quoted=False),
    }  # fmt: skip


def meeting_links(ctx: Context, posts: list[dict], found: list[dict]) -> list[dict]:
    """Links the meeting itself shows: a scrutiny committee or panel scrutinising the CSP (or the
    PCC) it discusses, and the bodies whose people present reports to it reporting to it."""
    body = ctx.gaz.bodies.get(ctx.meeting_body or "")
    if not ctx.meeting_body:
        return []
    seen = {(x["holder"], x["held"], x["mechanism"]) for x in found}
    out: list[dict] = []

    def add(link: dict) -> None:
        key = (link["holder"], link["held"], link["mechanism"])
        if key not in seen and link["holder"] != link["held"]:
            seen.add(key)
            out.append(link)

    kind_type = (
        (body.type if body else None)
        or next((ctx.type_of(m) for m in ctx.mentions if m.ids[0] == ctx.meeting_body), None)
        or (
            "CouncilCommittee" if ctx.meeting_body.endswith("-committee") else None
        )  # named by the page alone
    )
    if kind_type in SCRUTINY_TYPES or (kind_type in _COMMITTEE_TYPES and _reviews_csp(ctx)):
        kind = SCRUTINISED.get(kind_type or "", "csp")
        targets = [m for m in ctx.mentions if m.generic == kind or (m.ids[0] in _local_ids(ctx, kind))]
        if targets:
            add(
                _link(
                    ctx,
                    ctx.meeting_body,
                    targets[0].ids[0],
                    "scrutiny",
                    targets[0].start,
                    targets[0].end,
                    0.5,
                )
            )
    holders = {p["holder"]: p["body"] for p in posts}
    by_name = {p["holder"]: p for p in posts}
    for start, end, sentence in sentences(ctx.text):
        m = _PRESENTS.search(sentence)
        if m is None:
            continue
        who = _presenter(ctx, start, start + m.start(), holders, by_name)
        if who and (ctx.meeting_body, who, "scrutiny") not in seen:  # scrutiny takes in its reports
            add(_link(ctx, ctx.meeting_body, who, "reporting", start, end, 0.45))
    return out


def _reviews_csp(ctx: Context) -> bool:
    """A council committee reviewing its CSP: it says it does the crime and disorder scrutiny, or an
    agenda item's heading names the partnership."""
    if _CDC_ROLE.search(ctx.text):
        return True
    local = set(_local_ids(ctx, "csp"))
    return any(
        m.generic == "csp" or m.ids[0] in local
        for item in ctx.doc.items
        for m in ctx.mentions_in(item.start, item.start + len(item.title) + 8)
    )


def _local_ids(ctx: Context, kind: str) -> list[str]:
    from .bodies import local_body

    return local_body(ctx.gaz, ctx.place, kind, None)[0]


def _presenter(ctx: Context, start: int, cue: int, holders: dict, by_name: dict) -> str | None:
    """The body of whoever presents, named before the cue: a body, or a person with a post."""
    bodies = [x for x in ctx.mentions_in(start, cue) if x.ids[0] != ctx.meeting_body and x.generic != "self"]
    text = ctx.text[start:cue]
    for person, body in holders.items():
        post = by_name[person]
        if (
            post["draft"]["span"][0] >= start
            and post["draft"]["span"][1] <= cue + 1
            or person.replace("-", " ") in text.lower()
        ):
            return body if body != ctx.meeting_body else None
    return bodies[0].ids[0] if bodies else None


def fact_sections(ctx: Context, named: list[dict] | None = None) -> dict[str, list[dict]]:
    """Observations, concerns and links of the whole document (initiatives come first, apart: links
    may hold them)."""
    return {"links": links(ctx, named), "observations": observations(ctx), "concerns": concerns(ctx)}
