"""A draft → YAML text in the fact-file layout (keys in the format's order, spans inline)."""

from __future__ import annotations

from pathlib import Path

import yaml


class _Dumper(yaml.SafeDumper):
    pass


def _list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = (
        all(isinstance(x, (int, float, str)) for x in data)
        and len(data) <= 6
        and sum(len(str(x)) for x in data) < 80
    )
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _list)


def to_yaml(draft: dict) -> str:
    header = (
        "# A draft made by `cspkg draft`: every fact needs checking against the source. Restate the\n"
        "# wording marked `quoted: true` in our own words, mark an entry to leave out `rejected: true` in\n"
        "# its draft: block, then: cspkg accept FILE (into data/minutes/), or review it in cspkg curate.\n"
    )
    return header + str(yaml.dump(draft, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110))


def write_draft(draft: dict, out: Path) -> None:
    """Write atomically: a draft that fails half-way leaves no file behind."""
    text = to_yaml(draft)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
