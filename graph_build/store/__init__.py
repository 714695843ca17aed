"""Where the graph lives: the embedded Oxigraph store on disk, or a remote SPARQL 1.1 server."""

from ..config import Settings
from .base import BuildInfo, GraphStore, StoreUnavailable
from .embedded import EmbeddedStore
from .remote import PublishFailed, RemoteStore, StoreTimeout

__all__ = [
    "BuildInfo",
    "EmbeddedStore",
    "GraphStore",
    "PublishFailed",
    "RemoteStore",
    "StoreTimeout",
    "StoreUnavailable",
    "open_store",
]


def open_store(settings: Settings) -> GraphStore:
    """The store the settings name: remote when CSPKG_STORE is set, embedded otherwise."""
    if settings.store:
        return RemoteStore.from_settings(settings)
    return EmbeddedStore(settings.store_dir)
