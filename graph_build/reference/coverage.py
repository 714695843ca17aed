"""Where the data cannot name a CSP's responsible authorities: the build says so.

For every CSP of the national layer and a sample of dates since 2014 (1 June of each year), each
kind of responsible authority whose rules are in force that day (statutory/applications.csv marks
them: council, police, fire, health, probation ...) should have a member by one of those rules.
`coverage_gaps` lists the CSPs that have none; `coverage_warnings` words them for the build's
output, with the reason the reference data gives (docs/domain.md, "What the data covers").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from ..errors import FactError
from ..facts.dates import DateSpec, PartialDate
from ..facts.reader import FactFile
from ..resolve import REFERENCE_KIND

FIRST_YEAR = 2014
REASONS = {
    "health": "before April 2021 only the CCGs set up in 2013 and never merged are in the reference data "
    "(the CCGs that merged from 2015 are not); primary care trusts (to March 2013) are not in it",
    "police-authority": "police authorities (2003 to November 2012) are not in the reference data",
}


def sample_days(today: date | None = None) -> list[date]:
    today = today or date.today()
    return [date(y, 6, 1) for y in range(FIRST_YEAR, today.year + 1) if date(y, 6, 1) <= today]


def _in_force(start: PartialDate | None, end: PartialDate | None, day: date) -> bool:
    return (start is None or start.earliest <= day) and (end is None or end.latest >= day)


def _exact(spec: DateSpec | None) -> PartialDate | None:
    return spec.exact if spec is not None else None


def coverage_gaps(
    files: Iterable[FactFile], days: list[date] | None = None
) -> dict[tuple[date, str], set[str]]:
    """(day, kind) → the national CSPs with no member of that kind on that day, for the kinds whose
    rules are in force that day."""
    files = list(files)
    kinds = {}  # rule id → (kind, start, end)
    for ff in files:
        for rule in ff.doc.rules:
            if rule.responsible_authority:
                kinds[rule.id] = (rule.responsible_authority, _exact(rule.start), _exact(rule.end))
    csps = {
        b.id: (_exact(b.start), _exact(b.end))
        for ff in files
        if ff.doc.source.kind == REFERENCE_KIND
        for b in ff.doc.bodies
        if b.type == "CommunitySafetyPartnership"
    }
    held: dict[tuple[str, str], list[tuple]] = defaultdict(list)  # (CSP, kind) → membership periods
    for ff in files:
        for m in ff.doc.memberships:
            if m.rule in kinds and m.organisation in csps:
                held[(m.organisation, kinds[m.rule][0])].append((_exact(m.start), _exact(m.end)))
    out: dict[tuple[date, str], set[str]] = {}
    for day in days or sample_days():
        for kind in {k for k, start, end in kinds.values() if _in_force(start, end, day)}:
            out[(day, kind)] = {
                csp
                for csp, life in csps.items()
                if _in_force(*life, day)
                and not any(_in_force(s, e, day) for s, e in held.get((csp, kind), ()))
            }
    return out


def coverage_warnings(files: Iterable[FactFile], days: list[date] | None = None) -> list[FactError]:
    """One warning per kind of responsible authority some CSPs lack on some sample day, placed on
    the statutory rules' file (its applications mark the kinds)."""
    files = list(files)
    where = next((ff.path for ff in files if ff.doc.rules), "")
    by_kind: dict[str, list[tuple[date, set[str]]]] = defaultdict(list)
    for (day, kind), missing in sorted(coverage_gaps(files, days).items()):
        if missing:
            by_kind[kind].append((day, missing))
    lines = []
    for kind, found in sorted(by_kind.items()):
        counts = ", ".join(f"{len(missing)} on {day.isoformat()}" for day, missing in found)
        example = sorted(found[0][1])[:3]
        reason = REASONS.get(kind, "see docs/domain.md, 'What the data covers'")
        lines.append(
            FactError(
                where,
                None,
                "",
                f"CSPs with no {kind} member in the data: {counts} (e.g. {', '.join(example)})",
                reason,
            )
        )
    return lines
