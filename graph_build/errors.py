"""Errors with a place: every bad input names its file, line, field and the rule it breaks."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class FactError:
    """One problem in one input file."""

    file: str
    line: int | None
    field: str
    rule: str
    hint: str | None = None

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{place}: {self.field}: {self.rule}" if self.field else f"{place}: {self.rule}"
        return f"{text} ({self.hint})" if self.hint else text

    def as_problem(self) -> dict:
        """RFC 9457 problem details member for the API."""
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "rule": self.rule,
            "hint": self.hint,
        }


class BuildError(Exception):
    """A build or validation stopped by one or more FactErrors; nothing was loaded."""

    def __init__(self, errors: list[FactError]):
        self.errors = sorted(errors, key=lambda e: (e.file, e.line or 0, e.field))
        super().__init__("\n".join(str(e) for e in self.errors))


def display_path(path: Path) -> str:
    """A path as users know it: relative to the working directory when inside it."""
    return _display(str(path), os.getcwd())


@lru_cache(maxsize=65536)
def _display(path: str, cwd: str) -> str:  # resolving is slow, and validate shows thousands of paths
    try:
        return str(Path(path).resolve().relative_to(Path(cwd).resolve()))
    except (ValueError, RuntimeError, OSError):  # outside the working directory; a symlink loop
        return path
