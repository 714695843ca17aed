"""Keep-alive HTTP connections to one server, for the remote store's queries.

Why not SPARQLWrapper: it sends queries with urllib, which ends every connection after one
request (it sends `Connection: close`), and it takes no opener of its own (keep-alive through it
means replacing urllib's opener for the whole process), so each query would pay for a new TCP
(and TLS) connection. On loopback that is most of a small query's cost: a view's query took
0.8 ms through SPARQLWrapper and 0.3 ms here (benchmarks/remote_bench.py measures the API).

A connection carries one request at a time: `request` lends one (a new one when none is idle)
and the answer gives it back once it has been read to its end; an answer dropped before its end
closes its connection instead. Proxies named by the environment (`http_proxy`, `https_proxy`,
`no_proxy`) are used as urllib would use them.
"""

from __future__ import annotations

import http.client
import io
import ssl
import threading
import urllib.request
from urllib.parse import urlsplit, urlunsplit

# a connection the server closed while it was idle fails on its next request in one of these ways
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, ConnectionAbortedError)


class ConnectionPool:
    """Idle keep-alive connections to the server of `url`, shared by threads."""

    def __init__(self, url: str, *, keep: int = 32):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        self.https = parts.scheme == "https"
        self.keep = keep
        self.opened = 0  # connections made so far
        self._host, self._port = parts.hostname, parts.port
        self._proxy = _proxy(parts.scheme, parts.hostname)
        # through a plain HTTP proxy the request names the whole URL; otherwise only its path
        path = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        self.target = url if self._proxy and not self.https else path
        self._context = ssl.create_default_context() if self.https else None
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def request(self, method: str, body: bytes, headers: dict[str, str], timeout: float) -> "Answer":
        """Send the request on an idle connection (or a new one); its answer, to read as a stream."""
        while True:
            connection, reused = self._take(timeout)
            try:
                connection.request(method, self.target, body, headers)
                return Answer(connection.getresponse(), connection, self)
            except _STALE:
                connection.close()
                if not reused:
                    raise
            except BaseException:
                connection.close()
                raise

    def _take(self, timeout: float) -> tuple[http.client.HTTPConnection, bool]:
        with self._lock:
            connection = self._idle.pop() if self._idle else None
        if connection is None:
            return self._connect(timeout), False
        connection.timeout = timeout
        if connection.sock is not None:
            connection.sock.settimeout(timeout)
        return connection, True

    def _connect(self, timeout: float) -> http.client.HTTPConnection:
        host, port = self._proxy or (self._host, self._port)
        if self.https:
            connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=self._context)
            if self._proxy:
                connection.set_tunnel(self._host, self._port)
        else:
            connection = http.client.HTTPConnection(host, port, timeout=timeout)
        self.opened += 1
        return connection

    def give_back(self, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            if len(self._idle) < self.keep:
                self._idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()


class Answer(io.RawIOBase):
    """A response body as a byte stream; its connection goes back to the pool at its end."""

    def __init__(self, response: http.client.HTTPResponse, connection: http.client.HTTPConnection,
                 pool: ConnectionPool):
        self.response = response
        self.status = response.status
        self._connection: http.client.HTTPConnection | None = connection
        self._pool = pool

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.response.readinto(buffer)
        if n == 0 or self.response.isclosed():
            self._release(read_to_the_end=True)
        return n

    def read_all(self) -> bytes:
        data = self.response.read()
        self._release(read_to_the_end=True)
        return data

    def close(self) -> None:
        self._release(read_to_the_end=False)
        super().close()

    def _release(self, read_to_the_end: bool) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if read_to_the_end and not self.response.will_close:
            self._pool.give_back(connection)
        else:  # the rest of the answer is still on the way (or the server ends the connection)
            connection.close()


def _proxy(scheme: str, host: str) -> tuple[str, int | None] | None:
    """The proxy the environment names for this scheme and host, as (host, port)."""
    proxy = urllib.request.getproxies().get(scheme)
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    parts = urlsplit(proxy if "//" in proxy else f"http://{proxy}")
    return parts.hostname, parts.port
