"""Rendered views, kept per build.

A view's representation depends only on the build, the URL (path and parameters), the media
type and the host (links and the @context URL are absolute), so it can be kept until another
build is served: the key carries the build id, and entries of other builds are dropped as soon
as a new build is seen. Bounded by total size (least recently used go first).

A request as it arrives (path, raw query string, Accept, scheme, host) can be noted as an alias
of the entry it was answered with, so that the same request again is answered before routing
(api/fastpath.py, KeptViews).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
MAX_ENTRY_BYTES = 4 * 1024 * 1024
MAX_ALIASES = 200_000


def request_key(scope: dict) -> tuple:
    """A GET request as it arrived: everything its representation can depend on, unparsed."""
    accept = next((value for name, value in scope["headers"] if name == b"accept"), b"")
    host = next((value for name, value in scope["headers"] if name == b"host"), b"")
    return (scope["path"], scope.get("query_string", b""), accept, scope.get("scheme", "http"), host,
            scope.get("root_path", ""))


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
        self._aliases: dict[tuple, tuple] = {}
        self._bytes = 0
        self._build: str | None = None
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, build_id: str, key: tuple) -> Rendered | None:
        with self._lock:
            if build_id != self._build:
                self._entries.clear()
                self._aliases.clear()
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

    def alias(self, build_id: str, request_key: tuple, key: tuple) -> None:
        """Note that this request, as it arrived, is answered by the entry under `key`."""
        with self._lock:
            if build_id != self._build or key not in self._entries:
                return
            if len(self._aliases) >= MAX_ALIASES:
                self._aliases.clear()
            self._aliases[request_key] = key

    def get_alias(self, build_id: str, request_key: tuple) -> Rendered | None:
        """The entry a request seen before was answered with, if it is still kept for this build."""
        with self._lock:
            key = self._aliases.get(request_key) if build_id == self._build else None
            found = self._entries.get(key) if key is not None else None
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
            return found
