"""The graph's own names as a gazetteer: every body the fact files and the national reference
layer declare (name, alternative names, abbreviations), the areas they cover, and the people
already on record, so that a draft uses the ids the graph has.

Read from the fact files and data/reference (not the built store: a draft needs no build, and
reading them takes a fraction of a second, see docs/drafting.md).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BuildError, display_path
from ..facts.reader import FactFile, read_fact_file
from ..facts.schema import Body
from ..reference import reference_documents

COUNCIL_TYPES = {"DistrictCouncil", "UnitaryAuthority", "MetropolitanDistrictCouncil", "LondonBoroughCouncil",
                 "WelshPrincipalCouncil", "CountyCouncil"}  # fmt: skip
# how councils shorten their own names after the place: 'Wakefield Council', 'Blaby DC', 'Wigan MBC'
COUNCIL_SUFFIXES = [("council",), ("dc",), ("bc",), ("cc",), ("mbc",), ("mdc",)]
_JOINERS = {"and", "of", "the", "for", "&", "upon", "on", "in"}


def initials(name: str) -> str:
    """'Hinckley and Bosworth Borough Council' → 'hbbc' (a token, as the index keeps them)."""
    return "".join(w[0] for w in name.lower().replace("&", " and ").split() if w not in _JOINERS)


_CROWN = [("hm",), ("his", "majesty"), ("her", "majesty")]  # normalised: the possessive is dropped
TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*|&")
_SKIP_WORDS = {"the"}


_POSSESSIVE_END = re.compile(r"['’]s$")


def norm_token(token: str) -> str:
    """A word as names are compared: lower case, '&' as 'and', no possessive ('Council's' = 'council')."""
    if token == "&":
        return "and"
    return _POSSESSIVE_END.sub("", token.lower()).replace("’", "").replace("'", "")


def tokens(text: str) -> tuple[str, ...]:
    """A name as the tuple of its normalised words ('the' dropped), the gazetteer's key."""
    return tuple(t for t in (norm_token(m.group()) for m in TOKEN.finditer(text)) if t not in _SKIP_WORDS)


def slug(text: str) -> str:
    return re.sub(
        r"[^a-z0-9]+", "-", text.lower().replace("&", " and ").replace("’", "").replace("'", "")
    ).strip("-")


@dataclass
class Known:
    """A body on record."""

    id: str
    type: str | None = None
    name: str | None = None
    alt_names: set[str] = field(default_factory=set)
    covers: tuple[str, ...] = ()
    police_force_area: str | None = None
    part_of: str | None = None
    national: bool = False  # declared by a register of national bodies (the Home Office ...), anywhere


@dataclass
class Gazetteer:
    bodies: dict[str, Known] = field(default_factory=dict)
    names: dict[tuple[str, ...], set[str]] = field(default_factory=lambda: defaultdict(set))
    areas: dict[str, tuple[str, str, tuple[str, ...]]] = field(default_factory=dict)  # id: type, name, within
    area_names: dict[tuple[str, ...], set[str]] = field(default_factory=lambda: defaultdict(set))
    people: dict[tuple[str, ...], str] = field(default_factory=dict)
    person_ids: set[str] = field(default_factory=set)
    taken_ids: set[str] = field(default_factory=set)  # every id declared anywhere (posts, meetings ...)
    longest: int = 1

    def add_body(self, body: Body, national: bool = False) -> None:
        known = self.bodies.setdefault(body.id, Known(body.id))
        known.national = known.national or national
        known.type = known.type or body.type
        if body.name and (known.name is None or body.name != known.name):
            if known.name:
                known.alt_names.add(body.name)
            else:
                known.name = body.name
        known.alt_names.update(body.alt_names)
        known.covers = known.covers or tuple(body.covers)
        known.police_force_area = known.police_force_area or body.police_force_area
        known.part_of = known.part_of or body.part_of

    def index(self) -> None:
        """The name index, built once every file is in: a bare place name is a place, not a body
        (but '<place> Council' is the council, as councils call themselves)."""
        for known in self.bodies.values():
            for name in filter(None, {known.name, *known.alt_names}):
                key = tokens(name)
                if not key:
                    continue
                if key not in self.area_names:
                    for variant in self._variants(key, known):
                        self._name(variant, known.id)
                elif known.type in COUNCIL_TYPES:
                    for suffix in COUNCIL_SUFFIXES:
                        self._name((*key, *suffix), known.id)
            if known.type in COUNCIL_TYPES and known.name and len(initials(known.name)) >= 3:
                self._name((initials(known.name),), known.id)  # 'HBBC'

    def _variants(self, key: tuple[str, ...], known: Known) -> list[tuple[str, ...]]:
        """Other ways minutes write the name: the Crown's bodies as 'HM', 'His Majesty's' or 'Her
        Majesty's' (the wording changed in 2022; minutes use all three); a combined authority by its
        initials ('WYCA')."""
        out = [key]
        crown = next((k for k in _CROWN if key[: len(k)] == k), None)
        if crown is not None:
            out += [(*other, *key[len(crown) :]) for other in _CROWN if other != crown]
        if known.type == "CombinedAuthority" and known.name and len(initials(known.name)) >= 3:
            out.append((initials(known.name),))
        return out

    def _name(self, key: tuple[str, ...], body_id: str) -> None:
        self.names[key].add(body_id)
        self.longest = max(self.longest, len(key))

    def lookup(self, key: tuple[str, ...]) -> set[str]:
        return self.names.get(key, set())

    def local(self, type_names: tuple[str, ...], districts: set[str], pfa: str | None) -> list[str]:
        """Bodies of one of these types that cover one of the districts (or lie in the force area)."""
        out = []
        for known in self.bodies.values():
            if known.type not in type_names:
                continue
            if districts & set(known.covers) or (pfa and known.police_force_area == pfa and not known.covers):
                out.append(known.id)
        return sorted(out)


def _add_file(gaz: Gazetteer, ff: FactFile) -> None:
    national = ff.doc.source.kind == "register"
    for body in ff.doc.bodies:
        gaz.add_body(body, national)
    for area in ff.doc.areas:
        gaz.areas[area.id] = (area.type, area.name, tuple(area.within))
        for name in (area.name, *area.alt_names):
            gaz.area_names[tokens(name)].add(area.id)
    for person in ff.doc.people:
        gaz.people[tokens(person.name)] = person.id
        gaz.person_ids.add(person.id)
    gaz.taken_ids.update(p.id for p in ff.doc.posts if p.id)
    gaz.taken_ids.update(m.id for m in ff.doc.meetings)
    gaz.taken_ids.update(i.id for i in ff.doc.initiatives)


def load_gazetteer(data_dir: Path, exclude: set[str] | None = None) -> Gazetteer:
    """The gazetteer of a data folder: registers, curated minutes (less `exclude`, display paths
    or source ids) and the national reference layer. Broken fact files are left out."""
    exclude = exclude or set()
    gaz = Gazetteer()
    files: list[FactFile] = list(reference_documents(data_dir))
    for folder in ("registers", "minutes"):
        for path in sorted((data_dir / folder).glob("*.yaml")):
            if display_path(path) in exclude or path.stem in exclude:
                continue
            try:
                ff = read_fact_file(path)
            except BuildError:
                continue
            if ff.doc.source.id not in exclude:
                files.append(ff)
    for ff in files:
        _add_file(gaz, ff)
    gaz.taken_ids.update(gaz.bodies)
    gaz.taken_ids.update(gaz.person_ids)
    gaz.index()
    return gaz
