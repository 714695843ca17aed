"""National reference data (ONS lookups, police.uk forces, ...) as fact documents."""

from __future__ import annotations

from pathlib import Path

from ..facts.reader import FactFile


def reference_documents(data_dir: Path) -> list[FactFile]:
    """Fact documents made from data/reference/; each becomes a named graph of its own."""
    return []
