"""Fact documents built from reference rows: raw LineDict / LineList with the rows' CSV lines.

A reference loader writes what a curator would write in YAML, as plain dicts and lists, with the
line of the CSV row each entry comes from; `document` gives it the line bookkeeping of parsed YAML
and validates it with the fact schema, so a problem is reported as `file.csv:LINE: field: rule`
exactly as for a fact file.
"""

from __future__ import annotations

import re
from typing import Any

from ..facts.reader import FactFile, check_raw
from ..facts.yaml_lines import LineDict, LineList
from ..namespaces import slug

__all__ = ["camel_to_slug", "display_name", "document", "entry", "slug"]


def _value(value: Any, line: int) -> Any:
    if isinstance(value, (LineDict, LineList)):
        return value
    if isinstance(value, dict):
        return entry(line, **value)
    if isinstance(value, (list, tuple)):
        out = LineList(_value(v, line) for v in value)
        out.line = line
        out.item_lines = [getattr(v, "line", None) or line for v in out]
        return out
    return value


def entry(line: int, **fields: Any) -> LineDict:
    """A mapping whose keys (and nested values) all sit on `line`; None and empty values are left out."""
    out = LineDict()
    out.line = line
    out.key_lines = {}
    for key, value in fields.items():
        if value is None or (isinstance(value, (list, tuple, dict)) and not value):
            continue
        out[key] = _value(value, line)
        out.key_lines[key] = line
    return out


def document(path: str, source: dict[str, Any], **sections: list[LineDict]) -> FactFile:
    """Validate a whole reference document (its source on line 1) into a FactFile."""
    raw = entry(1, source=entry(1, kind="reference-data", **source))
    for name, items in sections.items():
        if items:
            raw[name] = _value(items, 1)
            raw.key_lines[name] = raw[name].item_lines[0]
    return check_raw(raw, path)


def camel_to_slug(name: str) -> str:
    """'PoliceAndCrimePanel' → 'police-and-crime-panel', 'NHSEngland' → 'nhs-england'."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", name).lower()


def display_name(ons_name: str) -> str:
    """ONS writes some names inverted for sorting: 'Bristol, City of' → 'City of Bristol'."""
    m = re.fullmatch(r"(.+), (City of|County of)", ons_name)
    return f"{m[2]} {m[1]}" if m else ons_name
