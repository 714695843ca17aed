"""Values the pages compute from the whole graph (counts, the ontology's terms), kept until
another build is served: the data change only with a build."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class PerBuild(Generic[T]):
    """One value for the build now served, computed on first use."""

    def __init__(self, compute: Callable[..., T]):
        self._compute = compute
        self._lock = threading.Lock()
        self._kept: tuple[str, T] | None = None

    def get(self, build_id: str, *args) -> T:
        with self._lock:
            if self._kept is None or self._kept[0] != build_id:
                self._kept = (build_id, self._compute(*args))
            return self._kept[1]
