"""cspkg as an installed package: the wheel built from the source tree, installed into a fresh
virtual environment outside it, lays out a project, builds the curator's data there and serves
it, with the ontology, shapes, reference data and example queries it carries."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.fixtures import ROOT, free_port

pytestmark = pytest.mark.package


def run(*args: str | Path, cwd: Path, env: dict | None = None, timeout: float = 600) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The wheel, and a fresh venv outside the source tree with it installed: paths and an env."""
    tmp = tmp_path_factory.mktemp("package")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp / "dist", ROOT, cwd=tmp)
    (wheel,) = (tmp / "dist").glob("cspkg-*.whl")
    run(sys.executable, "-m", "venv", tmp / "venv", cwd=tmp)
    bin_dir = tmp / "venv" / "bin"
    run(bin_dir / "pip", "install", "-q", wheel, cwd=tmp)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CSPKG_", "PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return {"wheel": wheel, "bin": bin_dir, "env": env, "tmp": tmp}


def test_the_wheel_carries_the_ontology_shapes_reference_data_and_examples(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    for folder in ("ontology", "shapes", "data/reference", "data/registers", "queries/examples"):
        files = sorted(
            p.relative_to(ROOT / folder).as_posix() for p in (ROOT / folder).rglob("*") if p.is_file()
        )
        name = {"data/reference": "reference", "data/registers": "registers", "queries/examples": "examples"}
        carried = f"graph_build/bundled/{name.get(folder, folder)}/"
        assert files and all(carried + f in names for f in files), folder
    assert not any(n.startswith(("data/minutes", "tests/")) for n in names)


def test_the_installed_package_runs_from_outside_the_source_tree(installed):
    where = run(
        installed["bin"] / "python",
        "-c",
        "import graph_build; print(graph_build.__file__)",
        cwd=installed["tmp"],
    )
    assert str(installed["tmp"] / "venv") in where and str(ROOT) not in where


def test_a_project_laid_out_built_and_served(installed):
    bin_dir, env, tmp = installed["bin"], installed["env"], installed["tmp"]
    project = tmp / "analysis"
    run(bin_dir / "cspkg", "init", project, cwd=tmp, env=env)
    assert (project / "data" / "reference" / "PROVENANCE.md").is_file()
    for minutes in (ROOT / "data" / "minutes").glob("*.yaml"):  # the curator's fact files
        shutil.copy(minutes, project / "data" / "minutes")
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    run(bin_dir / "cspkg", "--project", project, "build", "--quiet", cwd=elsewhere, env=env)
    assert (project / "var" / "store" / "current").exists() and not (elsewhere / "var").exists()
    # from inside the project folder, no option needed
    answer = run(
        bin_dir / "cspkg",
        "query",
        "--format",
        "csv",
        "SELECT (COUNT(*) AS ?n) WHERE { ?a a csp:PoliceForceArea }",
        cwd=project,
        env=env,
    )
    assert "43" in answer.split()
    port = free_port()
    server = subprocess.Popen(
        [bin_dir / "cspkg", "serve", "--port", str(port), "--no-rebuild"],
        cwd=project,
        env={**env, "CSPKG_PREPARE_VIEWS": "false", "CSPKG_WORKERS": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/status", server)
        assert (
            "csp:AccountabilityLink" in httpx.get(base + "/ontology", headers={"accept": "text/turtle"}).text
        )
        assert "Who scrutinises each police and crime commissioner" in httpx.get(base + "/query").text
        assert httpx.get(base + "/docs/assets/swagger-ui-bundle.js").status_code == 200
        body = httpx.get(base + "/bodies/plymouth-csp", headers={"accept": "application/ld+json"})
        assert body.status_code == 200 and "Plymouth" in body.text
    finally:
        server.terminate()
        server.wait(20)


def wait_for(url: str, process: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert process.poll() is None, "cspkg serve exited"
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")
