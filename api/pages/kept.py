"""Values the pages compute from the whole graph (counts, the ontology's terms), kept until
another build is served: the data change only with a build."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from .ontology import Term, body_kinds, terms
from .search import SearchIndex

T = TypeVar("T")


class PerBuild(Generic[T]):
    """One value for the build now served, computed on first use."""

    def __init__(self, compute: Callable[..., T]):
        self._compute = compute
        self._lock = threading.Lock()
        self._kept: tuple[str, T] | None = None

    def get(self, build_id: str, *args: Any) -> T:
        with self._lock:
            if self._kept is None or self._kept[0] != build_id:
                self._kept = (build_id, self._compute(*args))
            return self._kept[1]


@dataclass(eq=False)
class PageCaches:
    """What the pages compute from the whole graph: the ontology's terms with their use, the
    kinds of body with their counts (the home page), the search index of names and codes."""

    terms: PerBuild[list[Term]] = field(default_factory=lambda: PerBuild(terms))
    body_kinds: PerBuild[list[tuple[str, int]]] = field(default_factory=lambda: PerBuild(body_kinds))
    search: PerBuild[SearchIndex] = field(default_factory=lambda: PerBuild(SearchIndex.of_store))
