"""How view documents read on a page: the Jinja filters and globals every template uses.

View documents are JSON-LD shaped (see api/views/shape.py): a value is a string, a number, a
literal object ({"@value": ...}), a node reference ({"id", "name" | "title" | "label"}) or a list
of these. The helpers here turn them into text and links without the templates knowing which.
"""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from starlette.templating import Jinja2Templates

from graph_build.namespaces import PREFIXES

from ..deps import services_for
from ..views.base import CSP
from ..views.shape import date_text
from ..views.vocab import Vocab

STATUS = "https://w3id.org/cspkg/def/status/"
# The kinds of status a reader tells apart; narrower statuses (grant, claimed ...) fall in one.
# Inferred: a link the source implies but does not state, drawn apart from stated facts.
STATUS_FAMILIES = ("questioned", "proposed", "inferred", "statutory", "agreed-locally")


def as_list(value: Any) -> list:
    """A value that may be one thing or a list, as a list (None → [])."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def text(value: Any) -> str:
    """The readable text of a value: a literal's lexical form, a reference's name, items joined."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(text(v) for v in value)
    if isinstance(value, dict):
        if "@value" in value:
            return str(value["@value"])
        for key in ("name", "label", "title", "notation", "id"):
            if value.get(key):
                return text(value[key])
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def period(node: dict) -> str:
    """When a membership, post, link or body held: 'since 2012', '2014 to 2021', 'ended 2021' ...
    Uncertain dates are given as ranges ('started between 2015-05-29 and 2015-08-03')."""
    start = date_text(node, "startDate")
    end = date_text(node, "endDate")
    start_range = (date_text(node, "startNotBefore"), date_text(node, "startNotAfter"))
    end_range = (date_text(node, "endNotBefore"), date_text(node, "endNotAfter"))
    parts = []
    if start and end:
        return f"{start} to {end}"
    if start:
        parts.append(f"since {start}")
    elif any(start_range):
        parts.append("started " + _between(*start_range))
    if end:
        parts.append(f"ended {end}")
    elif any(end_range):
        parts.append("ended " + _between(*end_range))
    return "; ".join(parts)


def _between(not_before: str, not_after: str) -> str:
    if not_before and not_after:
        return f"between {not_before} and {not_after}"
    return f"on or after {not_before}" if not_before else f"by {not_after}"


def day(node: dict) -> str:
    """The date of a meeting or source, or its range when only bounds are known."""
    exact = date_text(node, "date")
    if exact:
        return exact
    bounds = (date_text(node, "dateNotBefore"), date_text(node, "dateNotAfter"))
    return _between(*bounds) if any(bounds) else ""


def status_family(status: Any, vocab: Vocab) -> str:
    """Which of statutory / agreed-locally / proposed / questioned / inferred a link's status falls in."""
    iri = status.get("id") if isinstance(status, dict) else None
    if not iri:
        return "unknown"
    for family in STATUS_FAMILIES:
        if vocab.within(iri, STATUS + family):
            return family
    return "unknown"


def curie(iri: str) -> str:
    """An IRI in prefixed form where a declared prefix fits ('org:Organization')."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)) and len(iri) > len(str(namespace)):
            return f"{prefix}:{iri[len(str(namespace)) :]}"
    return iri


@pass_context
def href(context: Context, uri: Any) -> str:
    """Where a resource's link goes: its dereferenceable local URI (/id/{kind}/{key}, answered by
    a redirect to its page) for resources under the base, else the URI itself."""
    iri = str(uri.get("id", "")) if isinstance(uri, dict) else str(uri or "")
    request = context["request"]
    id_base = services_for(request).settings.id_base
    if not iri.startswith(id_base):
        return iri
    kind, _, key = iri[len(id_base) :].partition("/")
    return str(request.url_for("dereference", kind=kind, key=key))


@pass_context
def kind_label(context: Context, types: Any) -> str:
    """The ontology's label of a resource's (most specific) classes: 'Police and Crime Panel'."""
    vocab = context.get("vocab")  # given by the page builders (api/pages/documents.py)
    labels = vocab.class_labels if vocab else {}
    return ", ".join(labels.get(CSP + t, t) for t in as_list(types) if isinstance(t, str))


@pass_context
def url_with(context: Context, **params: Any) -> str:
    """This page's URL with some query parameters set (None removes one)."""
    url = context["request"].url
    for name, value in params.items():
        url = url.remove_query_params(name)
        if value not in (None, ""):
            url = url.include_query_params(**{name: value})
    return str(url)


def install(templates: Jinja2Templates) -> None:
    env = templates.env
    env.filters.update(as_list=as_list, text=text, period=period, day=day, curie=curie)
    env.globals.update(href=href, kind_label=kind_label, url_with=url_with)
