"""Builds the wheel as pyproject.toml says, and copies into it (graph_build/bundled/) the folders
of the source tree an installed cspkg needs: the ontology, the SHACL shapes, the example queries,
and the reference data and registers that `cspkg init` lays out (graph_build/resources.py)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
CARRIED = {  # as graph_build.resources.CARRIED (not imported: the build must not import the package)
    "ontology": "ontology",
    "shapes": "shapes",
    "reference": "data/reference",
    "registers": "data/registers",
    "examples": "queries/examples",
}


class BuildPyCarryingData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the source tree's folders
            return
        bundled = Path(self.build_lib) / "graph_build" / "bundled"
        for name, folder in CARRIED.items():
            shutil.copytree(HERE / folder, bundled / name, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyCarryingData})
