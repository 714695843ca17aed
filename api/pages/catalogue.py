"""The repository's example queries (queries/examples/*.rq), offered one click away on the query
page. Each file opens with `# title:` and `# description:` comment lines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph_build.resources import packaged

EXAMPLES_DIR = packaged("examples")
_FIELD = re.compile(r"^#\s*(title|description):\s*(.*)$")
_MORE = re.compile(r"^#\s{2,}(.*)$")  # an indented comment line continues the field above


@dataclass(frozen=True)
class Example:
    name: str  # the file name without .rq: a stable id for links (?example=...)
    title: str
    description: str
    query: str


def parse(path: Path) -> Example:
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        if m := _FIELD.match(line):
            current = m.group(1)
            fields[current] = m.group(2).strip()
        elif current and (m := _MORE.match(line)):
            fields[current] += " " + m.group(1).strip()
        elif not line.startswith("#"):
            break
        else:
            current = None
    return Example(path.stem, fields.get("title", path.stem), fields.get("description", ""), text)


@lru_cache(maxsize=1)
def examples(folder: Path = EXAMPLES_DIR) -> tuple[Example, ...]:
    """The examples in file-name order (none when the folder is not there, e.g. a wheel install)."""
    return tuple(parse(p) for p in sorted(folder.glob("*.rq"))) if folder.is_dir() else ()


def example(name: str | None) -> Example | None:
    return next((e for e in examples() if e.name == name), None)
