"""Build the cspkg knowledge graph: fact files and reference data → triples → SHACL → store."""

__version__ = "0.1.0"
