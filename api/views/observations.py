"""Performance observations."""

from __future__ import annotations

from collections.abc import Callable

from ..queries import load
from .base import PageRequest, ViewContext, collection, text_literal
from .shape import first_ref_name


def list_observations(
    ctx: ViewContext,
    *,
    area: str | None,
    q: str | None,
    page: PageRequest,
    self_url: str,
    page_url: Callable[[int], str],
) -> dict:
    bindings = {"area": ctx.uri("body", area) if area else None, "q": text_literal(q)}
    rows = ctx.store.select(load("observations_list"), bindings)
    rows.sort(key=lambda r: (str(r["indicator"]).lower(), str(r.get("period", "")), str(r["obs"])))
    iris = list(dict.fromkeys(str(r["obs"]) for r in rows))
    total = len(iris)
    iris = iris[page.offset : page.offset + page.size]
    nodes = ctx.describe(iris)
    return collection(self_url, page_url, [nodes.get(i, {"id": i}) for i in iris], total, page)


def _value(n: dict) -> str:
    value = n.get("value")
    return str(value.get("@value", "")) if isinstance(value, dict) else str(value or "")


OBSERVATION_CSV = [
    ("id", lambda n: n["id"]),
    ("indicator", lambda n: first_ref_name(n.get("indicator"))),
    ("value", _value),
    ("unit", lambda n: first_ref_name(n.get("unit"))),
    ("period", lambda n: first_ref_name(n.get("period"))),
    ("area", lambda n: (n.get("refArea") or {}).get("id", "")),
    ("area_name", lambda n: (n.get("refArea") or {}).get("name", "")),
    ("comparison", lambda n: first_ref_name(n.get("comparison"))),
    ("citation", lambda n: first_ref_name(n.get("citation"))),
]
