"""Any resource under {base}id/: what the store says about it (for URIs that have no richer
view: memberships, links, agenda items, decisions, concerns, observations ...)."""

from __future__ import annotations

from ..problems import Problem
from .base import ViewContext

# Kinds with a richer view, and that view's path under the API.
VIEWS = {
    "body": "/bodies/{key}",
    "person": "/people/{key}",
    "meeting": "/meetings/{key}",
    "source": "/sources/{key}",
    "post": "/posts/{key}",
}


def view_path(kind: str, key: str) -> str | None:
    """The view of a resource URI's kind and key; meeting items and decisions have none."""
    if kind == "meeting" and "/" in key:
        return None
    template = VIEWS.get(kind)
    return template.format(key=key) if template else None


def resource(ctx: ViewContext, kind: str, key: str) -> dict:
    iri = str(ctx.uri(kind, key))
    node = ctx.describe([iri]).get(iri)
    if node is None:
        raise Problem(404, "not-found", f"nothing is known of {iri}")
    return node
