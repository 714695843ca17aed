"""How a statutory rule is applied to real bodies: one small named strategy per way, in a registry.

A rule of data/reference/statutory/accountability.csv names kinds of body; the row of
statutory/applications.csv for it names the strategy that finds which real bodies it binds. Each
strategy is a class registered under its name (as pySHACL registers one class per constraint
component), so a new way of applying rules is one class here, and a new rule one row of data.

Every strategy yields (subject, object) pairs of `Typed` bodies; the caller narrows the dates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import ClassVar

from .bodies import Model, Typed

Pairs = Iterator[tuple[Typed, Typed]]
STRATEGIES: dict[str, type[Strategy]] = {}


def register(cls: type[Strategy]) -> type[Strategy]:
    """Class decorator: make a strategy known by its name."""
    if cls.name in STRATEGIES:
        raise ValueError(f"two strategies are called '{cls.name}'")
    STRATEGIES[cls.name] = cls
    return cls


class Strategy:
    """Which pairs of real bodies a rule binds. `text` says it in words for the rule's graph."""

    name: ClassVar[str]
    text: ClassVar[str]

    def __init__(self, model: Model):
        self.model = model

    def pairs(self, subjects: list[Typed], objects: list[Typed]) -> Pairs:
        raise NotImplementedError


def by_key(subjects: list[Typed], objects: list[Typed], keys: Callable[[Typed], set[str]]) -> Pairs:
    """Each subject with each object (another body) sharing one of the keys."""
    index: dict[str, list[Typed]] = defaultdict(list)
    for o in objects:
        for k in keys(o):
            index[k].append(o)
    for s in subjects:
        seen: set[int] = set()
        for k in keys(s):
            for o in index.get(k, []):
                if id(o) not in seen and o.body is not s.body:
                    seen.add(id(o))
                    yield s, o


@register
class SamePoliceArea(Strategy):
    name = "same-police-area"
    text = "the bodies of each police force area with one another"

    def pairs(self, subjects: list[Typed], objects: list[Typed]) -> Pairs:
        return by_key(subjects, objects, lambda t: self.model.police_areas(t.body))


@register
class SharesDistrict(Strategy):
    """CDA 1998 s.5(1): a body 'any part of whose area lies within' the district."""

    name = "shares-district"
    text = "each body with every body of the other type that covers one of its districts"

    def pairs(self, subjects: list[Typed], objects: list[Typed]) -> Pairs:
        return by_key(subjects, objects, self.model.typed_districts)


@register
class CouncilForDistrict(Strategy):
    name = "council-for-district"
    text = (
        "each body with the lower-tier or unitary council (or that council's committee) of "
        "every district it covers"
    )

    def pairs(self, subjects: list[Typed], objects: list[Typed]) -> Pairs:
        model = self.model
        lower = []
        for s in subjects:
            council = model.council_of(s.body)
            if council is not None and not model.is_a(council, "CountyCouncil"):
                lower.append(s)
        return by_key(lower, objects, model.typed_districts)


@register
class PartOf(Strategy):
    name = "part-of"
    text = "each body with the council it is part of"

    def pairs(self, subjects: list[Typed], objects: list[Typed]) -> Pairs:
        yield from self._parts(subjects, objects, forward=True)
        yield from self._parts(objects, subjects, forward=False)

    @staticmethod
    def _parts(parts: list[Typed], wholes: list[Typed], forward: bool) -> Pairs:
        by_id: dict[str, list[Typed]] = defaultdict(list)
        for w in wholes:
            by_id[w.body.id].append(w)
        for p in parts:
            for w in by_id.get(p.body.part_of or "", []):
                yield (p, w) if forward else (w, p)


@register
class National(Strategy):
    name = "national"
    text = "the national body (data/registers) with every body of the other type"

    def pairs(self, subjects: list[Typed], objects: list[Typed]) -> Pairs:
        for s in subjects:
            if s.body.national:
                for o in objects:
                    if o.body is not s.body:
                        yield s, o
