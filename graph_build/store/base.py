"""The store interface: the rest of cspkg talks to this, never to a particular store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Protocol

from rdflib import URIRef

from ..triples import Triple


class StoreUnavailable(RuntimeError):
    """The store cannot be reached or holds no build yet."""


@dataclass(frozen=True)
class BuildInfo:
    """What identifies one build: its id (a content hash, used as ETag) and when it was made."""

    build_id: str
    built_at: str
    input_hash: str


class GraphStore(Protocol):
    """Publishes named graphs atomically and answers SPARQL over them."""

    def publish(self, graphs: dict[URIRef, Iterable[Triple]], info: BuildInfo) -> None:
        """Replace the store's content with these named graphs; readers see the old or the new."""

    def build_info(self) -> BuildInfo | None:
        """The build now served, or None when there is none."""

    def query(self, sparql: str, *, default_graph: list[str] | None = None,
              named_graphs: list[str] | None = None):
        """Run a SPARQL query; the default graph is the union of all named graphs unless given."""
