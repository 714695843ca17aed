"""Rendered views and repeatable SPARQL answers, kept per build.

A view's representation depends only on the build, the URL (path and parameters), the media
type and the host (links and the @context URL are absolute), so it can be kept until another
build is served: the key carries the build id, and entries of other builds are dropped as soon
as a new build is seen. Bounded by total size (least recently used go first).

A request as it arrives (path, raw query string, Accept, scheme, host) can be noted as an alias
of the entry it was answered with, so that the same request again is answered before routing
(api/fastpath.py).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
MAX_ENTRY_BYTES = 4 * 1024 * 1024


def request_key(scope: MutableMapping[str, Any]) -> tuple:
    """A GET request as it arrived: everything its representation can depend on, unparsed."""
    accept = next((value for name, value in scope["headers"] if name == b"accept"), b"")
    host = next((value for name, value in scope["headers"] if name == b"host"), b"")
    return (
        scope["path"],
        scope.get("query_string", b""),
        accept,
        scope.get("scheme", "http"),
        host,
        scope.get("root_path", ""),
    )


@dataclass(frozen=True)
class Rendered:
    status: int
    body: bytes
    media_type: str
    headers: tuple[tuple[str, str], ...]


def _size(key: tuple) -> int:
    """About how many bytes a key holds (its text: URLs, queries)."""
    return len(repr(key))


class ViewCache:
    """Entries (key → Rendered) bounded by the bytes of their bodies and keys together, least
    recently used dropped first; aliases (request as it arrived → key) bounded by a quarter of that."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple, tuple[Rendered, int]] = OrderedDict()
        self._aliases: dict[tuple, tuple] = {}
        self._bytes = self._alias_bytes = 0
        self._build: str | None = None
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def _found(self, key: tuple | None) -> Rendered | None:
        kept = self._entries.get(key) if key is not None else None
        if key is None or kept is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return kept[0]

    @property
    def nearly_full(self) -> bool:
        """Whether more entries would soon push others out."""
        return self._bytes > 0.9 * self.max_bytes

    def get(self, build_id: str, key: tuple) -> Rendered | None:
        with self._lock:
            if build_id != self._build:
                self._entries.clear()
                self._aliases.clear()
                self._bytes = self._alias_bytes = 0
                self._build = build_id
            return self._found(key)

    def put(self, build_id: str, key: tuple, value: Rendered) -> None:
        size = len(value.body) + _size(key)
        if len(value.body) > MAX_ENTRY_BYTES or size > self.max_bytes:
            return
        with self._lock:
            if build_id != self._build:
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def alias(self, build_id: str, request_key: tuple, key: tuple) -> None:
        """Note that this request, as it arrived, is answered by the entry under `key`."""
        size = _size(request_key)
        with self._lock:
            if build_id != self._build or key not in self._entries or size > self.max_bytes // 64:
                return
            if self._alias_bytes + size > self.max_bytes // 4:
                self._aliases.clear()
                self._alias_bytes = 0
            if request_key not in self._aliases:
                self._alias_bytes += size
            self._aliases[request_key] = key

    def get_alias(self, build_id: str, request_key: tuple) -> Rendered | None:
        """The entry a request seen before was answered with, if it is still kept for this build."""
        with self._lock:
            return self._found(self._aliases.get(request_key) if build_id == self._build else None)
