"""The HTML representation of the REST views: each view's document made into a page for people.

The REST routes answer HTML through api/render.py, which hands the view document here; the page
is chosen by the route that answered (a body's page, a meeting's page ...). A body's page also
shows its accountability picture, made from the accountability view itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import Request
from fastapi.responses import Response

from .. import deps
from ..render import TEMPLATES
from ..views import accountability as acc
from ..views.base import PageRequest, ViewContext
from ..views.bodies import summaries
from . import authorities, evidence, gaps, linktable, picture, police_area
from .present import text

DEPTHS = ("1", "2", "3", "all")
BODY_PAGE_DEPTH = "2"  # the body's page opens on two steps up and down: readable, and depth is a click away

PageBuilder = Callable[[Request, ViewContext, dict], tuple[str, dict]]


def page_response(
    request: Request, doc: dict, *, title: str, alternates: list, headers: dict, status: int
) -> Response:
    """The page of a view document, with the view's caching headers."""
    route = getattr(request.scope.get("route"), "name", "")
    ctx = deps.view_context_of(request)
    template, extra = PAGES.get(route, generic_page)(request, ctx, doc)
    context = {"title": title, "doc": doc, "alternates": alternates, "vocab": ctx.vocab, **extra}
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status, headers=headers)


def body_page(request: Request, ctx: ViewContext, doc: dict) -> tuple[str, dict]:
    depth = chosen_depth(request, BODY_PAGE_DEPTH)
    key = request.path_params["key"]
    view = acc.accountability(
        ctx,
        key,
        as_at=as_at_of(doc),
        depth=None if depth == "all" else int(depth),
        self_url=ctx.link(f"/bodies/{key}/accountability"),
    )
    context = accountability_context(request, ctx, view, depth, all_value="all")
    found = evidence.gather(ctx, doc["id"])
    context["evidence"] = found
    if authorities.is_csp(ctx, doc.get("type", [])):
        day = as_at_of(doc) or date.today()
        rules = authorities.rules(ctx)
        lacking = authorities.missing(ctx, doc["id"], day, rules)
        context["known"] = found.known()
        context["authorities_checked"] = bool(rules)
        context["gap_notes"] = [
            m.sentence(text(doc.get("name")), day.isoformat()) for m in lacking
        ] + context["gap_notes"]
        if not rules:
            context["gap_notes"].append(authorities.NOT_CHECKED)
    return "body.html", context


def accountability_page(request: Request, ctx: ViewContext, doc: dict) -> tuple[str, dict]:
    # the view's own depth parameter is a number up to 50: the longest walk, i.e. all
    return "accountability.html", accountability_context(
        request, ctx, doc, chosen_depth(request, "all"), all_value="50"
    )


def accountability_context(
    request: Request, ctx: ViewContext, view: dict, depth: str, *, all_value: str
) -> dict:
    every = request.query_params.get("links") == "all"
    rules = acc.rules_for(ctx.ontology_dir)
    return {
        "acc": view,
        "picture": picture.layout(view, ctx.vocab, every=every, part="accountability"),
        "support": picture.layout(view, ctx.vocab, part="support"),
        "depth": depth,
        "depths": DEPTHS,
        "all_value": all_value,
        "every": every,
        "gap_notes": gaps.notes(view, rules, ctx.vocab, date.today()),
        "today": date.today().isoformat(),
        "link_tables": linktable.tables(request, view, text(view.get("subject"))),
    }


def chosen_depth(request: Request, default: str) -> str:
    value = request.query_params.get("depth") or default
    return value if value in DEPTHS else default


def as_at_of(doc: dict) -> date | None:
    return date.fromisoformat(doc["asAt"]) if doc.get("asAt") else None


BEST_MATCHES = 10
GAP_GROUP_ROWS = 100


def bodies_page(request: Request, ctx: ViewContext, doc: dict) -> tuple[str, dict]:
    """The list of bodies; with a search text, the best matches of the search index first (the
    filter itself matches the text as typed), or the nearest words when nothing matches."""
    q = (request.query_params.get("q") or "").strip()
    if not q:
        return "list.html", {}
    index = deps.services_for(request).pages.search.get(deps.build_info(ctx.store).build_id, ctx.store)
    best = summaries(ctx, index.search(q, BEST_MATCHES))
    return "list.html", {"q": q, "best": best, "near": [] if best or doc.get("totalItems") else index.near(q)}


def resource_page(request: Request, ctx: ViewContext, doc: dict) -> tuple[str, dict]:
    """Any resource; a police force area has a page of its own."""
    if not police_area.is_police_area(ctx, doc):
        return "resource.html", {}
    found = police_area.context(request, ctx, doc)
    view = found["acc"]
    found["picture"] = picture.layout(view, ctx.vocab, part="accountability") if view else None
    found["support"] = picture.layout(view, ctx.vocab, part="support") if view else None
    found["title"] = f"{text(doc.get('name')) or doc['id']} police force area"
    return "police_area.html", found


GAP_GROUPS = (
    ("partnerships", "Community safety partnerships", "CommunitySafetyPartnership"),
    ("councils", "Councils", "LocalAuthority"),
)


def gaps_page(request: Request, ctx: ViewContext, doc: dict) -> tuple[str, dict]:
    """The gaps: partnerships and councils nothing holds to account apart (their first hundred
    each), then every body, paged; as at the date given or today, saying which."""
    day = date.fromisoformat(doc["asAt"])
    given = bool(request.query_params.get("as_at"))
    groups = []
    if not request.query_params.get("type"):
        for key, heading, cls in GAP_GROUPS:
            found = acc.gaps(
                ctx,
                as_at=day,
                type_=cls,
                page=PageRequest(1, GAP_GROUP_ROWS),
                self_url="",
                page_url=lambda n: "",
            )
            groups.append({"key": key, "heading": heading, "type": cls, "doc": found})
    known = authorities.rules(ctx)
    lacking = authorities.every_csp(ctx, day, known) if known and not request.query_params.get("type") else []
    names = summaries(ctx, [csp for csp, _ in lacking])
    return "gaps.html", {
        "groups": groups,
        "date_given": given,
        "today": date.today().isoformat(),
        "authorities_checked": bool(known),
        "lacking": [
            {"csp": name, "kinds": [authorities.KIND_WORDS.get(m.kind, m.kind) for m in found]}
            for name, (_, found) in zip(names, lacking, strict=True)
        ],
    }


def named(template: str) -> PageBuilder:
    """A page that needs nothing but the view's document."""
    return lambda request, ctx, doc: (template, {})


generic_page = named("resource.html")  # any resource without a page of its own


PAGES: dict[str, PageBuilder] = {
    "body": body_page,
    "list_bodies": bodies_page,
    "resource": resource_page,
    "accountability": accountability_page,
    "person": named("person.html"),
    "meeting": named("meeting.html"),
    "source": named("source.html"),
    "gaps": gaps_page,
    **{
        name: named("list.html")
        for name in (
            "list_people",
            "list_posts",
            "list_meetings",
            "list_decisions",
            "list_sources",
            "list_observations",
        )
    },
}
