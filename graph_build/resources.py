"""Where the files a build reads come from: the project's folders, else the copies the package
carries. A wheel holds the ontology, the SHACL shapes and the example queries, which every project
uses, and the national reference data and the register of national bodies, which `cspkg init`
copies into a new project's data/ to curate, in `graph_build/bundled/` (setup.py copies them
there). Run from the source tree, the tree's own folders are used."""

from __future__ import annotations

import shutil
from pathlib import Path

SOURCE_TREE = Path(__file__).resolve().parent.parent
BUNDLED = Path(__file__).resolve().parent / "bundled"
# name in the package → folder in the source tree
CARRIED = {
    "ontology": "ontology",
    "shapes": "shapes",
    "reference": "data/reference",
    "registers": "data/registers",
    "examples": "queries/examples",
}


def packaged(name: str) -> Path:
    """One of the CARRIED folders: the source tree's, or the package's copy."""
    in_tree = SOURCE_TREE / CARRIED[name]
    return in_tree if in_tree.is_dir() else BUNDLED / name


def lay_out_project(project: Path) -> list[Path]:
    """A new project folder: data/minutes/ (empty) and the package's reference data and registers
    in data/, to curate from. Folders that exist are left alone; returns those made."""
    data = project / "data"
    made = []
    for name in ("reference", "registers"):
        if not (data / name).exists():
            shutil.copytree(packaged(name), data / name)
            made.append(data / name)
    if not (data / "minutes").exists():
        (data / "minutes").mkdir(parents=True)
        made.append(data / "minutes")
    return made
