"""A police force area's page: the bodies of the area by what they do (partnerships, policing,
fire and rescue, probation, health, councils), with their dates, and the accountability picture
around its local policing body (PCC, PFCC, mayor or MOPAC), or its chief officer where it has none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from fastapi import Request
from rdflib import URIRef

from ..problems import Problem
from ..queries import load
from ..views import accountability as acc
from ..views.base import CSP, ViewContext, date_literal
from ..views.bodies import summaries
from ..views.shape import sort_key_name

# The sections of the page, in order: a heading and the classes whose bodies it lists (a body goes
# in the first section one of its classes falls under).
SECTIONS = (
    ("partnerships", "Community safety partnerships", ("CommunitySafetyPartnership",)),
    (
        "policing",
        "Police force, chief officer, local policing body and panel",
        ("PoliceForce", "ChiefConstable", "LocalPolicingBody", "PoliceAuthority", "PoliceAndCrimePanel"),
    ),
    (
        "fire",
        "Fire and rescue authorities",
        ("FireAndRescueAuthority", "FireAndRescueService", "ChiefFireOfficer"),
    ),
    ("probation", "Probation", ("ProbationProvider",)),
    ("health", "Health bodies (CCGs, ICBs, local health boards)", ("HealthBody",)),
    ("councils", "Councils", ("LocalAuthority",)),
)
HUBS = ("LocalPolicingBody", "ChiefConstable")  # whose picture the page draws, first found


@dataclass
class Section:
    key: str
    heading: str
    bodies: list[dict] = field(default_factory=list)


def is_police_area(ctx: ViewContext, doc: dict) -> bool:
    return "PoliceForceArea" in doc.get("type", [])


def as_at(request: Request) -> date | None:
    value = request.query_params.get("as_at") or ""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise Problem(
            400,
            "invalid-parameter",
            f"as_at: '{value}' is not a date (YYYY-MM-DD)",
            errors=[{"parameter": "as_at", "in": "query", "rule": "a date"}],
        ) from None


def sections(ctx: ViewContext, area: str, day: date | None) -> tuple[list[Section], list[dict]]:
    """The area's bodies by section, and those that fall in none."""
    rows = ctx.store.select(load("police_area_bodies"), {"area": URIRef(area), "asAt": date_literal(day)})
    bodies = sorted(summaries(ctx, [str(r["body"]) for r in rows]), key=sort_key_name)
    out = [Section(key, heading) for key, heading, _ in SECTIONS]
    rest = []
    for body in bodies:
        types = [CSP + t for t in body.get("type", [])]
        for section, (_, _, classes) in zip(out, SECTIONS, strict=True):
            if any(ctx.vocab.is_a(t, CSP + c) for t in types for c in classes):
                section.bodies.append(body)
                break
        else:
            rest.append(body)
    return out, rest


def hub(ctx: ViewContext, found: list[Section]) -> dict | None:
    """The body whose accountability picture stands for the area."""
    policing = next(s for s in found if s.key == "policing").bodies
    for cls in HUBS:
        for body in policing:
            if any(ctx.vocab.is_a(CSP + t, CSP + cls) for t in body.get("type", [])):
                return body
    return None


def context(request: Request, ctx: ViewContext, doc: dict) -> dict:
    day = as_at(request)
    found, rest = sections(ctx, doc["id"], day)
    centre = hub(ctx, found)
    view = None
    found_key = ctx.key_of(centre["id"]) if centre is not None else None
    if found_key is not None:
        key = found_key[1]
        view = acc.accountability(
            ctx, key, as_at=day, depth=1, self_url=ctx.link(f"/bodies/{key}/accountability")
        )
    return {
        "sections": found,
        "rest": rest,
        "hub": centre,
        "acc": view,
        "as_at": day.isoformat() if day else None,
    }
