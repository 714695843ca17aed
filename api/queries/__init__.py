"""The SPARQL the API runs, one .rq file per query (see graph_build/store/base.py for the
conventions: no prologue, parameters in the first VALUES clause)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

QUERY_DIR = Path(__file__).resolve().parent


@cache
def load(name: str) -> str:
    """The text of api/queries/<name>.rq."""
    return (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")
