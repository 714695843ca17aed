"""The graph's bodies as the statutory model sees them: each body's kinds over time, the districts
and police force areas it covers, and the council it is part of.

A body may be of several kinds, each for a period: a PCC that became a mayor with PCC functions,
or a county council that is also its area's fire and rescue authority. A kind held in a capacity of
its own may cover other districts than the body (a PFCC's fire and rescue area), so `Typed` carries
its own districts when they differ.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..facts.dates import PartialDate
from ..facts.reader import FactFile
from ..resolve import REFERENCE_KIND, Registry
from ..vocab import Vocabulary


@dataclass(frozen=True)
class Office:
    """One kind a body had for a while: a class name, the dates (text, as the source gives them)
    and, for a capacity with an area of its own, the districts it covers."""

    type: str
    start: str | None = None
    end: str | None = None
    covers: frozenset[str] | None = None
    source: str | None = None  # where a capacity is declared (file and line), for error messages


@dataclass
class BodyFacts:
    """What the fact documents say about one body that the joins need."""

    id: str
    part_of: str | None = None
    covers: set[str] = field(default_factory=set)
    police_force_area: str | None = None
    start: str | None = None
    end: str | None = None
    national: bool = False  # declared in a register of national bodies


def gather(files: Iterable[FactFile]) -> tuple[dict[str, BodyFacts], dict[str, list[str]]]:
    """Bodies (reference documents first: their facts win) and each area's enclosing areas."""
    bodies: dict[str, BodyFacts] = {}
    within: dict[str, list[str]] = {}
    ordered = sorted(files, key=lambda ff: ff.doc.source.kind != REFERENCE_KIND)
    for ff in ordered:
        for a in ff.doc.areas:
            within.setdefault(a.id, list(a.within))
        for b in ff.doc.bodies:
            facts = bodies.setdefault(b.id, BodyFacts(b.id))
            facts.part_of = facts.part_of or b.part_of
            facts.covers.update(b.covers)
            facts.police_force_area = facts.police_force_area or b.police_force_area
            facts.start = facts.start or (b.start.exact.text if b.start and b.start.exact else None)
            facts.end = facts.end or (b.end.exact.text if b.end and b.end.exact else None)
            facts.national = facts.national or ff.doc.source.kind == "register"
    return bodies, within


def _order(d: PartialDate) -> tuple:
    return (d.earliest, d.latest)


@dataclass(frozen=True)
class Period:
    start: PartialDate | None = None
    end: PartialDate | None = None

    @classmethod
    def of(cls, start: str | None, end: str | None) -> Period:
        return cls(PartialDate.parse(start) if start else None, PartialDate.parse(end) if end else None)

    @classmethod
    def hull(cls, periods: Iterable[Period]) -> Period:
        """From the earliest start to the latest end (open when any is open)."""
        periods = list(periods)
        starts, ends = [p.start for p in periods], [p.end for p in periods]
        start = None if None in starts else min((d for d in starts if d), key=_order)
        end = None if None in ends else max((d for d in ends if d), key=lambda d: (d.latest, d.earliest))
        return cls(start, end)

    def __and__(self, other: Period) -> Period | None:
        """The overlap, with the sources' own dates (the later start, the earlier end); None if empty."""
        starts = [d for d in (self.start, other.start) if d]
        ends = [d for d in (self.end, other.end) if d]
        start = max(starts, key=_order) if starts else None
        end = min(ends, key=lambda d: (d.latest, d.earliest)) if ends else None
        if start and end and end.latest < start.earliest:
            return None
        return Period(start, end)


@dataclass(frozen=True)
class Typed:
    """A body as one kind over one period (with the districts of that capacity, when its own)."""

    body: BodyFacts
    cls: str
    period: Period
    covers: frozenset[str] | None = None


def local_name(cls: object) -> str:
    return str(cls).rsplit("#", 1)[-1]


class Model:
    """The graph's bodies, their kinds over time and their places, for applying rules.

    `history`: body id → dated kinds, replacing the body's declared type (a PCC that became a
    mayor); `capacities`: body id → dated kinds held besides it (a county council that is also
    the fire and rescue authority)."""

    def __init__(
        self,
        files: list[FactFile],
        registry: Registry,
        history: dict[str, list[Office]],
        capacities: dict[str, list[Office]] | None = None,
    ):
        self.vocab: Vocabulary = registry.vocab
        self.bodies, self.within = gather(files)
        self.by_body: dict[str, list[Typed]] = defaultdict(list)
        self._of_type: dict[str, list[Typed]] = {}
        self._by_class: dict | None = None
        capacities = capacities or {}
        for body in self.bodies.values():
            rec = registry.get("body", body.id)
            if rec is None or rec.type is None:
                continue
            life = self._life(body)
            if life is None:
                continue
            offices = history.get(body.id) or [Office(local_name(rec.type))]
            for office in [*offices, *capacities.get(body.id, [])]:
                period = Period.of(office.start, office.end) & life
                if period is not None:
                    self.by_body[body.id].append(Typed(body, office.type, period, office.covers))

    def _life(self, body: BodyFacts) -> Period | None:
        """A body's own dates, starting no earlier than the bodies it is part of: a council's
        committee or board exists only once the council does. (Only the start: a part may outlive
        its whole, as the NPS outlived NOMS when HMPPS replaced it.)"""
        life: Period | None = Period.of(body.start, body.end)
        seen = {body.id}
        while life is not None and body.part_of in self.bodies and body.part_of not in seen:
            body = self.bodies[body.part_of]
            seen.add(body.id)
            life = life & Period.of(body.start, None)
        return life

    def of_type(self, cls_name: str) -> list[Typed]:
        """The bodies of a kind (subclasses included), each for the period it was of that kind."""
        if cls_name not in self._of_type:
            self._of_type[cls_name] = self._find(cls_name)
        return self._of_type[cls_name]

    def classes_asked(self) -> set[str]:
        """The classes `of_type` was asked for so far."""
        return set(self._of_type)

    def _find(self, cls_name: str) -> list[Typed]:
        cls = self.vocab.body_classes.get(cls_name)
        if cls is None:
            return []
        if self._by_class is None:  # class → the bodies' typings of it or of a subclass, by body
            self._by_class = defaultdict(lambda: defaultdict(list))
            for body_id, typings in self.by_body.items():
                for t in typings:
                    for sup in self.vocab.superclasses.get(self.vocab.body_classes[t.cls], ()):
                        self._by_class[sup][body_id].append(t)
        out = []
        for match in self._by_class.get(cls, {}).values():
            if len(match) > 1 and len({t.covers for t in match}) == 1:
                # e.g. a PCC that became a PFCC is a PCC throughout: one period
                match = [
                    Typed(match[0].body, cls_name, Period.hull(t.period for t in match), match[0].covers)
                ]
            out.extend(match)
        return out

    def is_a(self, body: BodyFacts, cls_name: str) -> bool:
        cls = self.vocab.body_classes[cls_name]
        return any(self.vocab.is_subclass(self.vocab.body_classes[t.cls], cls) for t in self.by_body[body.id])

    def districts(self, body: BodyFacts, depth: int = 0) -> set[str]:
        """The districts a body covers; a committee or board takes those of the body it is part of."""
        if body.covers or depth > 3 or body.part_of not in self.bodies:
            return body.covers
        return self.districts(self.bodies[body.part_of], depth + 1)

    def typed_districts(self, typed: Typed) -> set[str]:
        """The districts of a body in one capacity: the capacity's own, else the body's."""
        return set(typed.covers) if typed.covers is not None else self.districts(typed.body)

    def police_areas(self, body: BodyFacts, depth: int = 0) -> set[str]:
        if body.police_force_area:
            return {body.police_force_area}
        if body.covers:
            return {outer for lad in body.covers for outer in self.within.get(lad, ())}
        if depth > 3 or body.part_of not in self.bodies:
            return set()
        return self.police_areas(self.bodies[body.part_of], depth + 1)

    def council_of(self, body: BodyFacts) -> BodyFacts | None:
        """The body itself if it is a council, else the council it is part of."""
        for _ in range(4):
            if self.is_a(body, "LocalAuthority"):
                return body
            if body.part_of not in self.bodies:
                return None
            body = self.bodies[body.part_of]
        return None
