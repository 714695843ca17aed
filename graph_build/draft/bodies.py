"""Bodies named in the text → the graph's ids.

Three kinds of mention: a name the gazetteer knows (official or alternative name, or an
abbreviation the document defines, "Plymouth Safeguarding Children's Board (PSCB)"); a generic
name that means the local body of a kind ("the CSP", "the Police", "OPCC", "the Health and
Wellbeing Board"), resolved through the place the document is about; and an unknown capitalised
name ending in a body word ("... Tactical Group"), proposed as a new body with a type.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .gazetteer import COUNCIL_TYPES, TOKEN, Gazetteer, norm_token, slug, tokens

# generic names → the kind of local body they mean
GENERIC: dict[tuple[str, ...], str] = {
    tokens(k): v
    for k, v in {
        "community safety partnership": "csp", "csp": "csp", "partnership": "csp",
        "police": "force", "police force": "force", "constabulary": "force", "force": "force",
        "chief constable": "chief-constable",
        "police and crime commissioner": "pcc", "pcc": "pcc", "commissioner": "pcc",
        "police fire and crime commissioner": "pcc", "pfcc": "pcc",
        "police and crime panel": "pcp", "pcp": "pcp",
        "deputy mayor for policing and crime": "pcc", "mayor's office for policing and crime": "pcc",
        "mopac": "pcc", "policing and crime commissioner": "pcc",
        "health and wellbeing board": "hwb", "hwb": "hwb", "health & wellbeing board": "hwb",
        "council": "council", "borough council": "council", "local authority": "council", "district council": "council",
        "city council": "council", "county council": "county",
        "cabinet": "cabinet",
        "crime and disorder committee": "cdc", "crime and disorder scrutiny committee": "cdc",
        "crime and disorder scrutiny panel": "cdc", "crime and disorder scrutiny": "cdc",
        "crime and disorder panel": "cdc",
        "opcc": "opcc", "office of the police and crime commissioner": "opcc", "commissioner's office": "opcc",
        "office of the pcc": "opcc",
        "crc": "crc", "community rehabilitation company": "crc",
        "national probation service": "national-probation-service", "nps": "national-probation-service",
        "probation": "probation-service", "probation service": "probation-service",
        "fire service": "fire", "fire and rescue service": "fire", "fire and rescue": "fire",
        "fire and rescue authority": "fire", "fire authority": "fire", "fire and rescue services": "fire",
        "clinical commissioning group": "ccg", "ccg": "ccg", "integrated care board": "icb", "icb": "icb",
        "health board": "lhb", "university health board": "lhb",
        "panel": "self", "committee": "self", "board": "self", "scrutiny panel": "self",
        "scrutiny committee": "self",
    }.items()
}  # fmt: skip
LOCAL_TYPES = {
    "csp": ("CommunitySafetyPartnership",),
    "force": ("PoliceForce",),
    "chief-constable": ("ChiefConstable",),
    "pcc": ("PoliceAndCrimeCommissioner", "PoliceFireAndCrimeCommissioner", "MayorWithPCCFunctions",
            "MayorsOfficeForPolicingAndCrime", "LocalPolicingBody"),
    "pcp": ("PoliceAndCrimePanel", "PoliceFireAndCrimePanel", "CombinedAuthorityPoliceAndCrimePanel"),
    "council": ("DistrictCouncil", "UnitaryAuthority", "MetropolitanDistrictCouncil", "LondonBoroughCouncil",
                "WelshPrincipalCouncil"),
    "county": ("CountyCouncil",),
    "fire": ("FireAndRescueAuthority", "FireAndRescueService"),
    "crc": ("CommunityRehabilitationCompany",),
    "ccg": ("ClinicalCommissioningGroup",),
    "icb": ("IntegratedCareBoard",),
    "lhb": ("LocalHealthBoard",),
}  # fmt: skip
COVERING = ("fire", "crc", "ccg", "icb", "lhb")  # the national layer says which districts each covers
OPCC = "OfficeOfPoliceAndCrimeCommissioner"
NATIONAL = {"national-probation-service", "probation-service"}
# head word of an unknown body's name → proposed type
HEADS = {
    "partnership": "PartnershipGroup", "board": "PartnershipGroup", "group": "ThematicGroup",
    "sub-group": "ThematicGroup", "subgroup": "ThematicGroup", "forum": "PartnershipGroup",
    "committee": "CouncilCommittee", "panel": "CouncilCommittee", "team": "CouncilService",
    "unit": "CouncilService", "department": "CouncilService", "directorate": "CouncilService",
    "service": "CouncilService", "services": "CouncilService", "trust": "NHSTrust", "company": "ServiceProvider",
    "authority": "Organisation", "agency": "Organisation", "council": "LocalAuthority",
    "commission": "Organisation", "office": "Organisation", "charity": "VoluntaryOrganisation",
    "brigade": "FireAndRescueService",
}  # fmt: skip
_JOINERS = {"and", "of", "for", "&", "the", "on", "in"}
_ABBREVIATION_DEFINED = re.compile(r"\(([A-Z][A-Za-z]{1,7})\)")


@dataclass
class Mention:
    start: int
    end: int
    surface: str
    ids: list[str]  # first is the choice, the rest candidates
    confidence: float
    new_type: str | None = None  # a body not on record, with its proposed type
    generic: str | None = None


@dataclass
class Place:
    """What the document is about: districts, police force area, and the local bodies."""

    districts: set[str] = field(default_factory=set)
    pfa: str | None = None
    name: str | None = None


Word = tuple[str, int, int, str, bool]  # normalised, start, end, as written, follows 'the'


def word_spans(text: str) -> list[Word]:
    """The words of the text but 'the' (names are matched without it), each saying if 'the' came before."""
    out: list[Word] = []
    after_the = False
    for m in TOKEN.finditer(text):
        word = norm_token(m.group())
        if word == "the":
            after_the = True
            continue
        out.append((word, m.start(), m.end(), m.group(), after_the))
        after_the = False
    return out


def url_places(gaz: Gazetteer, url: str | None) -> list[str]:
    """Areas the page's web address names ('buckinghamshire.moderngov.co.uk', '.../leeds.gov.uk'):
    a council's meeting system is on its own domain."""
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname if url else None
    labels = (host or "").split(".")
    return [area for label in labels for area in gaz.area_names.get(tuple(label.split("-")), ())]


def title_places(gaz: Gazetteer, title: str | None) -> list[str]:
    """Districts whose council a page's title names ('... | Cannock Chase District Council'): the
    publisher's own place, however often the text names the county or the force."""
    key = tokens(title or "")
    out = []
    for a in range(len(key)):
        for b in range(a + 1, min(a + 6, len(key)) + 1):
            for body in gaz.lookup(key[a:b]):
                known = gaz.bodies[body]
                if known.type not in COUNCIL_TYPES or known.type == "CountyCouncil":
                    continue
                out += [  # the district the title names, not a council a curator calls 'the Council'
                    c
                    for c in known.covers
                    if c in gaz.areas
                    and gaz.areas[c][0] == "LocalAuthorityDistrict"
                    and key[a : a + len(tokens(gaz.areas[c][1]))] == tokens(gaz.areas[c][1])
                ]
    return out


def find_place(
    gaz: Gazetteer, words: list[Word], header_end: int, url: str | None = None, title: str | None = None
) -> Place:
    """The district (and its force area) the document names most, header mentions counting thrice
    and the page's address or title more than a few of them (a council publishes on its own domain,
    under its own name)."""
    counts: Counter[str] = Counter({area: 10 for area in [*url_places(gaz, url), *title_places(gaz, title)]})
    i = 0
    while i < len(words):
        used = 1
        for n in (5, 4, 3, 2, 1):  # the longest name: 'North East Somerset' is not 'Somerset'
            key = tuple(w[0] for w in words[i : i + n])
            found = gaz.area_names.get(key, ()) if words[i][3][:1].isupper() else ()
            for area in found:
                counts[area] += 3 if words[i][1] < header_end else 1
            if found:
                used = n
                break
        i += used
    districts = [a for a, _ in counts.most_common() if gaz.areas[a][0] == "LocalAuthorityDistrict"]
    forces = [a for a, _ in counts.most_common() if gaz.areas[a][0] == "PoliceForceArea"]
    place = Place()
    if districts:
        top = districts[0]
        place.districts = {top}
        place.name = gaz.areas[top][1]
        place.pfa = next(iter(gaz.areas[top][2]), None)
    if forces and (place.pfa is None or counts[forces[0]] > counts.get(districts[0], 0)):
        place.pfa = forces[0]
        place.name = place.name or gaz.areas[forces[0]][1]
    return place


def _pfa_slug(gaz: Gazetteer, place: Place) -> str | None:
    pcc = next(iter(gaz.local(LOCAL_TYPES["pcc"], set(), place.pfa)), None) if place.pfa else None
    return pcc.removesuffix("-pcc") if pcc else None


def _council(gaz: Gazetteer, place: Place, kind: str) -> list[str]:
    found = gaz.local(LOCAL_TYPES[kind], place.districts, None)
    return sorted(found, key=lambda i: len(gaz.bodies[i].covers))  # the lowest tier first


def local_body(
    gaz: Gazetteer, place: Place, kind: str, self_body: str | None
) -> tuple[list[str], str | None]:
    """The ids a generic name may mean here (best first), or a proposed new id with its type."""
    if kind == "self":
        return ([self_body] if self_body else []), None
    if kind in NATIONAL:
        return [kind], None
    if kind in ("council", "county"):
        return _council(gaz, place, kind), None
    if kind == "cdc":
        councils = _council(gaz, place, "council")
        return [
            b
            for c in councils[:1]
            for b, k in gaz.bodies.items()
            if k.part_of == c and k.type == "CrimeAndDisorderCommittee"
        ], None
    if kind in ("cabinet", "hwb"):
        council = next(iter(_council(gaz, place, "council")), None)
        upper = next(iter(_council(gaz, place, "county")), council) if kind == "hwb" else council
        if upper is None:
            return [], None
        found = [
            b for b, k in gaz.bodies.items() if k.part_of == upper and k.type == "HealthAndWellbeingBoard"
        ]
        return (found, None) if kind == "hwb" else ([f"{upper}-cabinet"], "CouncilCabinet")
    if kind in COVERING and place.districts:
        found = gaz.local(LOCAL_TYPES[kind], place.districts, None)
        if found:
            return found, None  # the authority or group that covers the document's district
    if kind == "opcc":
        pccs = set(gaz.local(LOCAL_TYPES["pcc"], set(), place.pfa)) if place.pfa else set()
        found = sorted(b for b, k in gaz.bodies.items() if k.type == OPCC and k.part_of in pccs)
        if found:
            return found, None
    if kind in ("opcc", "crc", "fire"):
        area = _pfa_slug(gaz, place)
        suffix, new_type = {
            "opcc": ("opcc", "OfficeOfPoliceAndCrimeCommissioner"),
            "crc": ("crc", "CommunityRehabilitationCompany"),
            "fire": ("fire-and-rescue-service", "FireAndRescueService"),
        }[kind]
        return ([f"{area}-{suffix}"], new_type) if area else ([], None)
    if kind == "csp":
        return gaz.local(LOCAL_TYPES[kind], place.districts, None), None
    return (gaz.local(LOCAL_TYPES[kind], set(), place.pfa) if place.pfa else []), None


def defined_abbreviations(text: str, words: list) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Abbreviations the text defines, 'Name (ABBR)': the abbreviation → the name's key."""
    out: dict[tuple[str, ...], tuple[str, ...]] = {}
    for m in _ABBREVIATION_DEFINED.finditer(text):
        abbr = m.group(1).upper()
        before = [w for w in words if w[2] <= m.start()][-12:]
        for n in range(1, len(before) + 1):
            name = [w for w in before[-n:] if w[0] not in _JOINERS]
            letters = "".join(w[3][0] for w in name).upper()
            if letters == abbr and before[-n][0] not in _JOINERS:
                out[(norm_token(abbr),)] = tuple(w[0] for w in before[-n:])
                break
    return out


_POST_WORDS = {"head", "director", "manager", "officer", "chair", "chairman", "member", "leader", "commander",
               "lead", "representative", "inspector", "superintendent", "executive", "portfolio", "holder",
               "representatives", "members", "officers", "colleagues", "staff"}  # fmt: skip
_NOT_A_START = {"agenda", "item", "minutes", "members", "cllr", "councillor", "mr", "mrs", "ms", "dr", "summary",
                "terms", "review", "report", "update", "membership", "election", "appointment", "development",
                "introduction", "notes", "matters", "annual", "draft", "proposed", "role", "purpose", "work"}  # fmt: skip


_GAP = re.compile(r" |-")
_GAP_THE = re.compile(r" the ", re.IGNORECASE)  # 'Office of the ...'
_POSSESSIVE = re.compile(r"['’]s$")


def new_body_at(text: str, words: list, i: int) -> int:
    """How many words from i form an unknown body's name (capitalised words ending in a body word)."""
    if words[i][0] in _JOINERS or not words[i][3][:1].isupper() or words[i][0] in _NOT_A_START:
        return 0
    if i > 0 and _POSSESSIVE.search(words[i - 1][3]) and _GAP.fullmatch(text, words[i - 1][2], words[i][1]):
        return 0  # inside a name that starts after the possessive word
    best = 0
    for j in range(i, min(i + 10, len(words))):
        w = words[j]
        gap_ok = _GAP.fullmatch(text, words[j - 1][2], w[1]) or (
            words[j - 1][0] in ("of", "for") and _GAP_THE.fullmatch(text, words[j - 1][2], w[1])
        )
        if j > i and not gap_ok:
            break  # punctuation (or 'and the') between the words
        if j > i and _POSSESSIVE.search(words[j - 1][3]):
            break  # 'the Council's Team': the name starts after the possessive
        if w[0] not in _JOINERS and not w[3][:1].isupper():
            break
        if w[0] == "and" and j > i and words[j - 1][0] in HEADS:
            break  # 'London Fire Brigade and Probation Service': two bodies
        if w[0] in HEADS and j > i:
            best = j - i + 1
    if best and all(w[3].isupper() for w in words[i : i + best]) and best > 3:
        return 0  # a heading in capitals, not a name
    return best


def _trim_post(words: list, i: int, n: int) -> int:
    """Start of the body's name after a post ('Head of Community Safety Services' → 'Community ...')."""
    for j in range(i, i + n - 1):
        if words[j][0] in ("of", "for") and any(w[0] in _POST_WORDS for w in words[i:j]):
            return j + 1
    return i


# words in a new body's name that say more than its head word does
_TYPE_HINTS = (
    (r"crime and disorder", "CrimeAndDisorderCommittee"), (r"scrutiny", "ScrutinyCommittee"),
    (r"safeguarding children", "SafeguardingChildrenPartnership"), (r"safeguarding adults", "SafeguardingAdultsBoard"),
    (r"youth offending|youth justice", "YouthOffendingTeam"), (r"criminal justice board", "LocalCriminalJusticeBoard"),
    (r"cabinet", "CouncilCabinet"), (r"\bnhs\b.*trust|foundation trust", "NHSTrust"),
    (r"sub-?group|task(?:ing)? group|working group", "ThematicGroup"), (r"police\b.*\b(?:unit|team)", "PoliceUnit"),
)  # fmt: skip


def proposed_type(name: str) -> str:
    low = name.lower()
    hinted = next((t for pattern, t in _TYPE_HINTS if re.search(pattern, low)), None)
    return hinted or HEADS.get(tokens(name)[-1], "Organisation")


ORGANISATIONS = COUNCIL_TYPES | {"PoliceForce"}


def csp_brand(key: tuple[str, ...], names_place: bool) -> bool:
    """The names CSPs go by: '<Place> Community Safety Partnership (Board)', 'Community Safety and
    Safeguarding Partnership', 'Safer <Place> Partnership', 'Safe <Place> Partnership' (a bare
    'Safer <Place>' is too often a campaign to take)."""
    if key[-1] not in ("partnership", "board"):
        return False
    if any(key[k : k + 2] == ("community", "safety") for k in range(len(key) - 2)):
        return True
    return key[0] in ("safer", "safe") and names_place


# an office of a commissioner by its initials: OPCC, OPFCC, and with the area's ('OSPCC', 'ONYPFCC')
_OFFICE_INITIALS = re.compile(r"o[a-z]{0,4}pf?cc")


def _acronym(word: str) -> bool:
    return len(word) >= 2 and sum(c.isupper() for c in word) >= 2


@dataclass
class Resolver:
    gaz: Gazetteer
    place: Place
    self_body: str | None = None
    abbreviations: dict = field(default_factory=dict)

    def known(self, key: tuple[str, ...]) -> list[str]:
        key = self.abbreviations.get(key, key)
        return sorted(self.gaz.lookup(key))

    def generic(self, key: tuple[str, ...], words: list, i: int) -> Mention | None:
        kind = GENERIC.get(key)
        if kind is None:
            return None
        lower = not words[i][3][:1].isupper()
        after_the = words[i][4]
        if lower and not after_the and kind != "force":
            return None  # 'panel' or 'council' in passing, not a name
        ids, new_type = local_body(self.gaz, self.place, kind, self.self_body)
        if not ids:
            return None
        confidence = 0.75 if len(ids) == 1 else 0.4
        if new_type and ids[0] not in self.gaz.bodies:
            return Mention(words[i][1], words[i + len(key) - 1][2], "", ids, 0.45, new_type, kind)
        return Mention(words[i][1], words[i + len(key) - 1][2], "", ids, confidence, None, kind)

    def new(self, text: str, words: list, i: int, n: int) -> Mention | None:
        start = _trim_post(words, i, n)
        if i + n - start < 2:
            return None
        name = _POSSESSIVE.sub("", text[words[start][1] : words[i + n - 1][2]])
        ids = self.known(tokens(name)) if start > i else []
        if ids:  # 'Representatives of the Crown Prosecution Service': a body on record
            return self.known_mention(words, start, i + n - start, ids)
        body_id = slug(name)
        named = [(w, 0, 0, w, False) for w in tokens(name)]
        if self.place.name and not self.names_a_place(named):
            body_id = f"{slug(self.place.name)}-{body_id}"  # 'Community Protection Team' in Ashfield
        local = self.local_kind(name)
        if local:
            return Mention(words[start][1], words[i + n - 1][2], name, [local, body_id], 0.6)
        if name.isupper():
            name = name.title().replace(" And ", " and ").replace(" Of ", " of ").replace(" For ", " for ")
        return Mention(words[start][1], words[i + n - 1][2], name, [body_id], 0.5, proposed_type(name))

    def at(self, text: str, words: list, i: int) -> tuple[Mention | None, int]:
        """The mention that starts at word i, and how many words it takes."""
        longest = min(self.gaz.longest, len(words) - i)
        if (
            _OFFICE_INITIALS.fullmatch(words[i][0])
            and words[i][3].isupper()
            and not self.known((words[i][0],))
        ):
            return self.generic(("opcc",), words, i), 1
        new_n = new_body_at(text, words, i)
        for n in range(longest, 0, -1):
            key = tuple(w[0] for w in words[i : i + n])
            if n < new_n:
                council = self.organisation_first(words, i, n)  # 'HBBC Community Services': the council
                return council or (self.new(text, words, i, new_n), new_n)
            if key in GENERIC:
                generic = self.generic(key, words, i)
                if generic is not None or n == 1:
                    return generic, n
            ids = self.known(key)
            if ids and (n > 1 or _acronym(words[i][3])):
                mention = self.known_mention(words, i, n, ids)
                if mention is not None:
                    return mention, n
        if new_n:
            return self.new(text, words, i, new_n), new_n
        return None, 1

    def organisation_first(self, words: list, i: int, longest: int) -> tuple[Mention, int] | None:
        """A council or force named at the start of a longer unknown name, which is one of its units."""
        for n in range(longest, 0, -1):
            ids = self.known(tuple(w[0] for w in words[i : i + n]))
            if ids and (n > 1 or _acronym(words[i][3])) and self.gaz.bodies[ids[0]].type in ORGANISATIONS:
                mention = self.known_mention(words, i, n, ids)
                if mention is not None:
                    return mention, n
        return None

    def known_mention(self, words: list, i: int, n: int, ids: list[str]) -> Mention | None:
        """A known name; several bodies with it: the local one first (its id names the place); a
        name several other places' bodies have ('Community Safety') is no mention of theirs."""
        local = sorted((b for b in ids if self.is_local(b)), key=self.nearness)
        if (
            not local
            and not self.names_a_place(words[i : i + n])
            and not all(self.gaz.bodies[b].national for b in ids)
        ):
            return None  # another place's 'Public Health' team, named without its place
        ranked = local + [b for b in ids if b not in local]
        national = all(self.gaz.bodies[b].national for b in ids)
        if len(ids) == 1:
            confidence = 0.9 if local or national else 0.5
        else:
            confidence = 0.65 if len(local) == 1 else 0.4
        return Mention(words[i][1], words[i + n - 1][2], "", ranked, confidence)

    def local_kind(self, name: str) -> str | None:
        """A name with a place and a generic kind ('Kent and Medway Police and Crime Panel', 'Blaby
        District Council Community Safety Partnership') is the local body of that kind, if one."""
        key = tokens(name)
        for size in (5, 4, 3):
            kind = GENERIC.get(key[-size:]) if len(key) > size else None
            if kind in ("csp", "pcp", "hwb", "cdc") and self.names_a_place(
                [(w, 0, 0, w, False) for w in key[:-size]]
            ):
                ids, new_type = local_body(self.gaz, self.place, kind, self.self_body)
                return ids[0] if len(ids) == 1 and new_type is None else None
        if csp_brand(key, self.names_a_place([(w, 0, 0, w, False) for w in key[1:]])):
            found = self.gaz.local(LOCAL_TYPES["csp"], self.place.districts, None)
            return found[0] if len(found) == 1 else None
        return None

    def named_after_here(self, name: str) -> bool:
        """A name that names the document's district or police force area ('West Yorkshire
        Combined Authority' in Leeds): the body is local even when no area list says so."""
        here = self.place.districts | ({self.place.pfa} if self.place.pfa else set())
        key = tokens(name)
        return any(
            here & self.gaz.area_names.get(key[a:b], set())
            for a in range(len(key))
            for b in range(a + 1, min(a + 5, len(key)) + 1)
        )

    def names_a_place(self, words: list) -> bool:
        keys = [w[0] for w in words]
        return any(
            tuple(keys[a:b]) in self.gaz.area_names
            for a in range(len(keys))
            for b in range(a + 1, len(keys) + 1)
        )

    def nearness(self, body_id: str) -> int:
        """0: covers the document's district; 1: in its police force area; 2: named after the place."""
        known = self.gaz.bodies.get(body_id)
        if known and self.place.districts & set(known.covers):
            return 0
        return 1 if known and self.place.pfa and known.police_force_area == self.place.pfa else 2

    def is_local(self, body_id: str) -> bool:
        known = self.gaz.bodies.get(body_id)
        if known and (
            self.place.districts & set(known.covers)
            or (self.place.pfa and known.police_force_area == self.place.pfa)
            or self.named_after_here(known.name or "")
        ):
            return True
        return bool(self.place.name) and body_id.startswith(slug(self.place.name or ""))


def find_mentions(text: str, resolver: Resolver) -> list[Mention]:
    words = word_spans(text)
    resolver.abbreviations = defined_abbreviations(text, words)
    out: list[Mention] = []
    i = 0
    while i < len(words):
        mention, used = resolver.at(text, words, i)
        if mention is not None:
            mention.surface = text[mention.start : mention.end]
            out.append(_as_named_before(mention, out))
        i += used
    return out


def _as_named_before(mention: Mention, before: list[Mention]) -> Mention:
    """A new body named short after its full name ('Gloucestershire Local Criminal Justice Board' ...
    'the Local Criminal Justice Board') is that body."""
    if not mention.new_type:
        return mention
    key = tokens(mention.surface)
    for earlier in before:
        named = tokens(earlier.surface)
        if earlier.new_type and len(named) > len(key) and named[-len(key) :] == key:
            mention.ids, mention.new_type = list(earlier.ids), earlier.new_type
            break
    return mention


def implied_bodies(gaz: Gazetteer, place: Place, listed: set[str], offices: list[str]) -> list[str]:
    """Bodies the text implies without naming: a commissioner's office implies the commissioner
    (its own part_of when on record, else the force area's)."""
    out: list[str] = []
    for office in offices:
        known = gaz.bodies.get(office)
        pccs = [known.part_of] if known and known.part_of else local_body(gaz, place, "pcc", None)[0]
        out += [p for p in pccs[:1] if p and p not in listed and p not in out]
    return out


_JOINT = re.compile(r"\bjoint\b.*\b(?:community safety partnership|csp)\b", re.IGNORECASE)


def joint_csps(gaz: Gazetteer, mentions: list[Mention], listed: set[str]) -> list[tuple[str, Mention]]:
    """The CSPs a joint partnership stands for: 'Chorley and South Ribble Community Safety
    Partnership' names both districts; a 'Joint Community Safety Partnership' those whose councils
    the text names. Each with the mention that implies it."""
    districts: dict[str, Mention] = {}
    for m in mentions:
        key = tokens(m.surface)
        if not (csp_brand(key, True) or _JOINT.search(m.surface)):
            continue
        named = _districts_named(gaz, key)
        if _JOINT.search(m.surface):
            councils = [
                c for c in mentions if gaz.bodies.get(c.ids[0]) and gaz.bodies[c.ids[0]].type in COUNCIL_TYPES
            ]
            named += [d for c in councils for d in gaz.bodies[c.ids[0]].covers if d in gaz.areas]
        if len(set(named)) >= 2:
            districts.update({d: m for d in named if d not in districts})
    out: list[tuple[str, Mention]] = []
    for district, mention in districts.items():
        for csp in gaz.local(LOCAL_TYPES["csp"], {district}, None)[:1]:
            if csp not in listed and csp not in [c for c, _ in out]:
                out.append((csp, mention))
    return out


def _districts_named(gaz: Gazetteer, key: tuple[str, ...]) -> list[str]:
    found = [
        area
        for a in range(len(key))
        for b in range(a + 1, min(a + 5, len(key)) + 1)
        for area in gaz.area_names.get(key[a:b], set())
        if gaz.areas[area][0] == "LocalAuthorityDistrict"
    ]
    return found
