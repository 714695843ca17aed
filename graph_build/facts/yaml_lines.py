"""A safe YAML loader that remembers the line of every mapping key and list item.

PyYAML's safe loader forgets positions and silently keeps the last of duplicate keys; curators
need both reported. Dates stay strings so that the fact schema, not YAML, decides what a date is.

Files are parsed with libyaml's C parser when PyYAML has it (several times faster); a file it
rejects is parsed again with the pure-Python parser, so that errors read the same either way.
"""

from __future__ import annotations

from typing import Any

import yaml


class LineDict(dict):
    """A mapping with the 1-based line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]


class LineList(list):
    """A list with the 1-based line of itself and of each item."""

    line: int = 0
    item_lines: list[int]


class DuplicateKey(yaml.MarkedYAMLError):
    """A key given twice in one mapping."""


class _Loader(yaml.SafeLoader):
    pass


_SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser, when installed


class _FastLoader(_SafeLoader):  # libyaml's parser, our constructors
    pass


# Drop the timestamp resolver: '2015-02-30' must reach the schema as text to get a clear error.
_RESOLVERS = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.yaml_implicit_resolvers = _FastLoader.yaml_implicit_resolvers = _RESOLVERS


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise DuplicateKey(
                "while reading a mapping",
                node.start_mark,
                f"key '{key}' is given twice (first on line {out.key_lines[key]})",
                key_node.start_mark,
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


for _cls in (_Loader, _FastLoader):
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(text: str) -> Any:
    """Parse YAML text into LineDict / LineList / scalars. Raises yaml.YAMLError with a mark."""
    try:
        return yaml.load(text, Loader=_FastLoader)
    except yaml.YAMLError:
        # the pure-Python parser is the reference: its messages and marks are the ones we report
        return yaml.load(text, Loader=_Loader)


def line_at(raw: Any, loc: tuple[str | int, ...]) -> int | None:
    """The line of the deepest node on the path `loc` (as pydantic reports locations)."""
    line = getattr(raw, "line", None)
    node = raw
    for step in loc:
        if isinstance(node, LineDict) and isinstance(step, str) and step in node:
            line = node.key_lines.get(step, line)
            node = node[step]
            line = getattr(node, "line", None) or line
        elif isinstance(node, LineList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.item_lines[step]
            node = node[step]
        else:
            break
    return line
