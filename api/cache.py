"""Rendered views, kept per build.

A view's representation depends only on the build, the URL (path and parameters), the media
type and the host (links and the @context URL are absolute), so it can be kept until another
build is served: the key carries the build id, and entries of other builds are dropped as soon
as a new build is seen. Bounded by total size (least recently used go first).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
MAX_ENTRY_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Rendered:
    status: int
    body: bytes
    media_type: str
    headers: tuple[tuple[str, str], ...]


class ViewCache:
    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple, Rendered] = OrderedDict()
        self._bytes = 0
        self._build: str | None = None
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, build_id: str, key: tuple) -> Rendered | None:
        with self._lock:
            if build_id != self._build:
                self._entries.clear()
                self._bytes, self._build = 0, build_id
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, build_id: str, key: tuple, value: Rendered) -> None:
        size = len(value.body)
        if size > MAX_ENTRY_BYTES or size > self.max_bytes:
            return
        with self._lock:
            if build_id != self._build:
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = value
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped.body)
