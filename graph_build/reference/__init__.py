"""National reference data (ONS lookups, the council register, police.uk forces, the statutory
rules) as fact documents, one named graph per file; see data/reference/PROVENANCE.md.

The files are read and cross-checked together (a district must lie in one police force area, the
register's councils must be the lookup's districts ...): every problem names its file, line and
column, and all of them are reported before the build stops. Without a data/reference folder
there is no national layer (the test fixtures build without one).

The statutory model (`statutory.statutory_documents`) is applied later, once every file's
bodies are resolved, and `reconcile.possible_matches` warns of curated bodies that look like a
national one under another id.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ..errors import BuildError, FactError
from ..facts.reader import FactFile
from .areas import geography_document, read_geography

T = TypeVar("T")

from .districts import DistrictHistory, expand, history_document, read_district_history
from .health import health_document, read_health
from .local_authorities import (
    Councils,
    check_against,
    council_id,
    councils_document,
    county_districts,
    former_districts,
    read_councils,
)
from .police import forces_document, read_forces
from .probation import probation_document, read_probation
from .responsible import Loaded, Places, fire_document, read_fire
from .statutory import Reach, rules_document, statutory_documents
from .upper_tier import UpperTier, boards_document, read_upper_tier

__all__ = ["Reach", "reference_documents", "statutory_documents"]

GREATER_LONDON = "Greater London Authority"


def reference_documents(data_dir: Path) -> list[FactFile]:
    """Fact documents made from data/reference/; each becomes a named graph of its own."""
    reference_dir = data_dir / "reference"
    if not reference_dir.is_dir():
        return []
    errors: list[FactError] = []

    def attempt(step: Callable[..., T], *args: Any) -> T | None:
        try:
            return step(*args)
        except BuildError as exc:
            errors.extend(exc.errors)
            return None

    geo = attempt(read_geography, reference_dir)
    upper = councils = forces = history = None
    if geo is not None:
        history = attempt(read_district_history, reference_dir, geo)
        upper = attempt(read_upper_tier, reference_dir, geo)
        councils = attempt(read_councils, reference_dir)
        forces = attempt(read_forces, reference_dir, geo)
        if upper is not None and councils is not None:
            check_against(councils, geo, upper)
    rules = attempt(rules_document, reference_dir)
    tables = [t.table for t in (geo, upper, councils) if t is not None]
    if forces is not None:
        tables += [forces.table, forces.history.table]
    if history is not None:
        tables += history.tables
    for t in tables:
        errors.extend(t.errors)
    if errors or geo is None or upper is None or councils is None or forces is None or history is None:
        raise BuildError(errors)
    loaded = _responsible_authorities(reference_dir, Places(geo, history, upper))
    errors.extend(e for part in loaded for e in part.errors)
    if errors:
        raise BuildError(errors)
    london = next(
        (council_id(r["official-name"]) for r in councils.rows if r["official-name"] == GREATER_LONDON), None
    )
    files = [
        attempt(geography_document, geo),
        attempt(councils_document, councils, geo, upper),
        attempt(boards_document, upper, councils),
        attempt(forces_document, forces, london),
        attempt(
            history_document, history, geo, former_districts(councils), _counties(councils, upper, history)
        ),
        attempt(fire_document, loaded[0]),
        attempt(health_document, loaded[1]),
        attempt(probation_document, loaded[2]),
        rules,
    ]
    if errors:
        raise BuildError(errors)
    return [f for f in files if f is not None]  # each step gave its document: none failed


def _responsible_authorities(reference_dir: Path, places: Places) -> list[Loaded]:
    """The fire, health and probation bodies read against the places (their problems in each)."""
    return [
        read_fire(reference_dir, places),
        read_health(reference_dir, places),
        read_probation(reference_dir, places),
    ]


def _counties(councils: Councils, upper: UpperTier, history: DistrictHistory) -> dict[str, set[str]]:
    """Each county council's former districts (a current county keeps those of its districts)."""
    out = county_districts(councils)
    for row in councils.rows:
        if row["current-authority"] == "True" and row["local-authority-type"] == "CTY":
            today = {lad for lad, utla in upper.utla_of.items() if utla == row.get("gss-code")}
            former = expand(history, today) - today
            if former:
                out[council_id(row["official-name"])] |= former
    return out
