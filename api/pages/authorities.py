"""Which responsible authorities a community safety partnership lacks on a date, in words.

The statutory layer marks the rules that make bodies members of CSPs as responsible authorities
(Crime and Disorder Act 1998 s.5) with the kind of authority each makes (csp:responsibleAuthorityKind:
council, police, fire, health, probation ...). A kind is in force on a date when one of its rules is;
a CSP lacks it when no membership in force that day (from any source) has a member of a type one of
those rules names. So a 2015 page asks for a clinical commissioning group or local health board, and
a 2023 one for an integrated care board, without a list of kinds or dates kept here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from rdflib import URIRef

from ..queries import load
from ..views.base import CSP, ViewContext, date_literal
from ..views.vocab import Vocab

# How a kind reads in a sentence; a kind the data adds later reads as its code.
KIND_WORDS = {
    "council": "council",
    "police": "chief officer of police",
    "police-authority": "police authority",
    "fire": "fire and rescue authority",
    "health": "health body",
    "probation": "probation provider",
}
NOT_CHECKED = (
    "Which responsible authorities it lacks is not checked: no statutory rule in the graph says which "
    "kind of responsible authority it makes."
)


@dataclass(frozen=True)
class Rule:
    kind: str
    subject_type: str
    start: str  # ISO date or ""
    end: str
    legal_basis: str

    def in_force(self, day: str) -> bool:
        return earliest(self.start) <= day <= latest(self.end)


@dataclass(frozen=True)
class Missing:
    kind: str
    types: tuple[str, ...]  # labels of the types that would fill it ("Integrated Care Board")
    legal_bases: tuple[str, ...]

    def sentence(self, name: str, day: str) -> str:
        what = KIND_WORDS.get(self.kind, self.kind)
        which = " or ".join(self.types)
        basis = "; ".join(self.legal_bases)
        return (
            f"No {what} on record as a member of {name} as at {day}: the law makes "
            f"{article(which)} {which} for its area a responsible authority ({basis})."
        )


def earliest(value: str) -> str:
    """The first day a partial date ('2015', '2015-06') can mean; '' is the beginning of time."""
    return value + "-01-01"[len(value) - 4 :] if value else ""


def latest(value: str) -> str:
    """The last day a partial date can mean; '' is open-ended."""
    return value + "-12-31"[len(value) - 4 :] if value else "9999-12-31"


def article(words: str) -> str:
    return "an" if words[:1].lower() in "aeiou" else "a"


def rules(ctx: ViewContext) -> list[Rule]:
    """The responsible-authority rules of the served build (none until the statutory layer marks them)."""
    return [
        Rule(
            str(r["kind"]),
            str(r["subjectType"]),
            str(r.get("start") or ""),
            str(r.get("end") or ""),
            str(r.get("legalBasis") or ""),
        )
        for r in ctx.store.select(load("responsible_authority_rules"), {})
    ]


def members_on(ctx: ViewContext, body: str, day: str) -> set[str]:
    """The types of the members of a body whose membership is in force on `day`."""
    return in_force_types(ctx.store.select(load("member_types"), {"body": URIRef(body)}), day)


def in_force_types(rows: Iterable[Mapping], day: str) -> set[str]:
    """The member types of the membership rows (type, start ..., end ...) in force on `day`."""
    types = set()
    for r in rows:
        start = str(r.get("start") or r.get("startNotBefore") or "")
        end = str(r.get("end") or r.get("endNotAfter") or "")
        if earliest(start) <= day <= latest(end):
            types.add(str(r["type"]))
    return types


def missing(ctx: ViewContext, body: str, day: date, known: list[Rule]) -> list[Missing]:
    """The kinds of responsible authority in force on `day` that no member of the body fills."""
    return lacking(ctx.vocab, members_on(ctx, body, day.isoformat()), day, known)


def lacking(vocab: Vocab, present: set[str], day: date, known: list[Rule]) -> list[Missing]:
    """The kinds of responsible authority in force on `day` that no type in `present` fills."""
    iso = day.isoformat()
    by_kind: dict[str, list[Rule]] = defaultdict(list)
    for rule in known:
        if rule.in_force(iso):
            by_kind[rule.kind].append(rule)
    out = []
    for kind, found in by_kind.items():
        if any(vocab.is_a(t, r.subject_type) for t in present for r in found):
            continue
        labels = [vocab.class_labels.get(r.subject_type, r.subject_type.rsplit("#", 1)[-1]) for r in found]
        bases = [r.legal_basis for r in found if r.legal_basis]
        out.append(Missing(kind, tuple(dict.fromkeys(labels)), tuple(dict.fromkeys(bases))))
    return sorted(out, key=lambda m: list(KIND_WORDS).index(m.kind) if m.kind in KIND_WORDS else 99)


def every_csp(ctx: ViewContext, day: date, known: list[Rule]) -> list[tuple[str, list[Missing]]]:
    """Each CSP in being on `day` that lacks a kind of responsible authority, with what it lacks,
    from one query for the members of every CSP."""
    rows: dict[str, list[Mapping]] = defaultdict(list)
    for r in ctx.store.select(load("csp_member_types"), {}):
        rows[str(r["csp"])].append(r)
    existing = ctx.store.select(
        load("bodies_list"), {"type": URIRef(CSP + "CommunitySafetyPartnership"), "asAt": date_literal(day)}
    )
    out = []
    for row in existing:
        csp = str(row["body"])
        found = lacking(ctx.vocab, in_force_types(rows.get(csp, []), day.isoformat()), day, known)
        if found:
            out.append((csp, found))
    return out


def is_csp(ctx: ViewContext, types: list[str]) -> bool:
    return any(ctx.vocab.is_a(CSP + t, CSP + "CommunitySafetyPartnership") for t in types)
