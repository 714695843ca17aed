"""Helpers the tests share: paths to the test data, settings for a test, building a store, starting
the API server or an Oxigraph server on a free loopback port.

Import them with `from tests.fixtures import ...`; pytest fixtures (things a test names as an
argument) live in tests/conftest.py and use these helpers.

Test data lives in one folder, tests/data/:

- `good/`          a register and one set of minutes that build cleanly (copied, then broken, by the
                   build tests);
- `api/`           the facts the API, page and remote-store tests serve (built once per session);
- `national/`      a test set of minutes built with the real data/reference and data/registers;
- `strict-shapes/` an extra shapes file that makes the good data fail validation.

Add a folder of your own there (tests/data/NAME/) rather than a second data folder elsewhere.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import httpx
import pytest
from typer.testing import Result

if TYPE_CHECKING:
    from graph_build.config import Settings
    from graph_build.store import BuildInfo, GraphStore, RemoteStore

Cli = Callable[..., Result]  # the `cspkg` fixture: cspkg("build", ...) → the command's Result

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = ROOT / "tests" / "data"
GOOD_DATA = TEST_DATA / "good"
GOOD_MINUTES = "testshire-csp-board-2020-03.yaml"
API_DATA = TEST_DATA / "api"
NATIONAL_MINUTES = TEST_DATA / "national" / "minutes"
STRICT_SHAPES = TEST_DATA / "strict-shapes" / "strict.ttl"

# Debian's Chromium, driven by Playwright in the browser tests (`make browser` installs it).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")


# -- the environment ------------------------------------------------------------------------------
def store_variables() -> list[str]:
    """The CSPKG_STORE* variables set in this process (a remote store, its URLs, credentials ...)."""
    return [name for name in os.environ if name.startswith("CSPKG_STORE")]


# -- the tiers: the fast tests (`make check`: -m "not slow ...") and the whole suite (`make test`) --
def spread(count: int, keep: int) -> list[int]:
    """`keep` of the indices 0..count-1, spread evenly over them (all when keep >= count): the
    same ones every run, so a sampled tier is repeatable."""
    if keep >= count:
        return list(range(count))
    return sorted({i * count // keep for i in range(keep)})


def sampled(cases: Sequence[Any], keep: int) -> list[Any]:
    """The cases of a parametrize-heavy test: all of them run in the whole suite; the ones beyond
    an evenly spread sample of `keep` are marked `slow`, so the fast tier runs the sample."""
    chosen = set(spread(len(cases), keep))
    return [
        case if i in chosen else pytest.param(case, marks=pytest.mark.slow) for i, case in enumerate(cases)
    ]


def runs_slow_tests(config: pytest.Config) -> bool:
    """Whether the run's marker expression (-m) keeps a test marked `slow`."""
    from _pytest.mark.expression import Expression

    markexpr = config.getoption("markexpr")
    return not markexpr or Expression.compile(markexpr).evaluate(_marked_slow_only)


def _marked_slow_only(name: str, /, **_: str | int | bool | None) -> bool:
    return name == "slow"


# -- settings and builds --------------------------------------------------------------------------
def api_settings_for(store_dir: Path, data_dir: Path = API_DATA, **overrides: Any) -> Settings:
    """Settings for an API test: explicit values, so CSPKG_* in the environment cannot interfere."""
    from graph_build.config import Settings

    values: dict[str, Any] = {
        "data_dir": data_dir,
        "store_dir": store_dir,
        "base_uri": "https://w3id.org/cspkg/",
        "workers": 2,
        "query_timeout_s": 3.0,
        "result_limit": 50,
        "store": None,
        "prepare_views": False,
    }
    values.update(overrides)
    return Settings(**values)


def served_build(store: GraphStore | Path) -> BuildInfo:
    """The build a store (or an embedded store's folder) serves: the test has built one."""
    from graph_build.store import EmbeddedStore

    info = (EmbeddedStore(store) if isinstance(store, Path) else store).build_info()
    assert info is not None, "the store serves no build"
    return info


def build_store(data_dir: Path, store_dir: Path) -> BuildInfo:
    """Build a data folder into a store folder (the real pipeline); returns the BuildInfo."""
    from graph_build import pipeline
    from graph_build.store import EmbeddedStore

    return pipeline.build(api_settings_for(store_dir, data_dir), EmbeddedStore(store_dir))


def national_data_copy(dest: Path) -> Path:
    """data/reference and data/registers (real) with the national fixture's minutes, in `dest`."""
    shutil.copytree(ROOT / "data" / "reference", dest / "reference")
    shutil.copytree(ROOT / "data" / "registers", dest / "registers")
    shutil.copytree(NATIONAL_MINUTES, dest / "minutes")
    for path in dest.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return dest


def graphs_of(store_dir: Path) -> dict:
    """The named graphs of an embedded build, as publish() takes them."""
    from graph_build.store import EmbeddedStore
    from graph_build.store.terms import to_rdflib

    graphs = defaultdict(list)
    for quad in EmbeddedStore(store_dir).store().quads_for_pattern(None, None, None, None):
        triple = (quad.subject, quad.predicate, quad.object)
        graphs[to_rdflib(quad.graph_name)].append(tuple(to_rdflib(t) for t in triple))
    return dict(graphs)


# -- servers on loopback --------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def settings_env(settings: Settings) -> dict[str, str]:
    """The CSPKG_* variables that give a server the settings a test chose."""
    env = {}
    for name in settings.model_fields_set:
        value = getattr(settings, name)
        if value is not None:
            text = ",".join(value) if isinstance(value, list) else str(value)
            env[f"CSPKG_{name.upper()}"] = text.lower() if isinstance(value, bool) else text
    return env


def start_api_server(
    settings: Settings, *, workers: int = 1, timeout_s: float = 60.0, stderr: Any = None
) -> tuple[subprocess.Popen, str]:
    """Run `python -m api.server` (uvicorn; `workers` HTTP processes) on a free loopback port;
    returns (process, base URL)."""
    port = free_port()
    inherited = {name: value for name, value in os.environ.items() if name not in store_variables()}
    env = {**inherited, **settings_env(settings)}
    command = [sys.executable, "-m", "api.server", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--http-workers", str(workers), "--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {proc.returncode}")
        try:
            if httpx.get(base + "/status", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("uvicorn did not start")


def stop_api_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


# -- the review app --------------------------------------------------------------------------------
def curated_data_copy(dest: Path) -> Path:
    """The real data (reference layer, registers, curated minutes) copied into `dest`: the statutory
    model applies to it."""
    for folder in ("reference", "registers", "minutes"):
        shutil.copytree(ROOT / "data" / folder, dest / folder)
    return dest


def curated_data_built(base: Path) -> tuple[Path, Path, Path]:
    """The curated data (reference, registers, minutes) copied into `base` and built into a store
    with its own cache, as a curator's project is: (data, store, cache) folders."""
    from graph_build import pipeline
    from graph_build.config import Settings
    from graph_build.store import EmbeddedStore

    data, store, cache = curated_data_copy(base / "data"), base / "store", base / "cache"
    settings = Settings(data_dir=data, store_dir=store, cache_dir=cache, store=None)
    pipeline.build(settings, EmbeddedStore(store))
    return data, store, cache


@contextmanager
def curate_beside_api(data: Path, store: Path, cache: Path, *args: str) -> Iterator[tuple[str, str, str]]:
    """`cspkg curate ARGS` on a built project, run as a curator runs it, and the API serving the same
    store: (review URL, token, API base URL), both stopped afterwards."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CSPKG_")},
        "CSPKG_DATA_DIR": str(data),
        "CSPKG_STORE_DIR": str(store),
        "CSPKG_CACHE_DIR": str(cache),
    }
    command = [str(Path(sys.executable).parent / "cspkg"), "curate", *args, "--port", str(free_port())]
    curate = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    api, api_base = start_api_server(api_settings_for(store, data))
    try:
        url = announced_review_url(curate)
        yield url, url.split("token=")[1], api_base
    finally:
        stop_api_server(api)
        curate.terminate()
        curate.wait(10)


def announced_review_url(proc: subprocess.Popen) -> str:
    """The review URL `cspkg curate` prints, once the app answers on it."""
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+/\?token=\S+", line)
    assert match, f"cspkg curate printed {line!r}"
    url = match.group()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return url
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("cspkg curate did not answer")


def served(api_base: str, ask: str) -> bool:
    """The served API's answer to a SPARQL ASK."""
    answer = httpx.get(
        f"{api_base}/sparql", params={"query": ask}, headers={"Accept": "application/sparql-results+json"}
    )
    assert answer.status_code == 200, answer.text
    return bool(answer.json()["boolean"])


class OxigraphServer:
    """`oxigraph serve` on a data folder; stopped and started again on the same port and data."""

    def __init__(self, location: Path, *, union_default_graph: bool = False):
        self.location = location
        self.union_default_graph = union_default_graph
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> OxigraphServer:
        if OXIGRAPH is None:
            raise RuntimeError("the oxigraph server is missing: pip install oxigraph (make test installs it)")
        args = [OXIGRAPH, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(
            args + (["--union-default-graph"] if self.union_default_graph else []),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "oxigraph serve exited"
            try:
                if httpx.get(f"{self.base}/query", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("oxigraph serve did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def settings(self, tmp: Path, **overrides: Any) -> Settings:
        """API settings pointing at this server (the embedded store folder is left empty)."""
        values = {
            "store": f"{self.base}/query",
            "store_update": f"{self.base}/update",
            "store_union_default_graph": self.union_default_graph,
        }
        return api_settings_for(tmp / "unused-store", **{**values, **overrides})

    def store(self, tmp: Path, **overrides: Any) -> RemoteStore:
        from graph_build.store import RemoteStore

        return RemoteStore.from_settings(self.settings(tmp, **overrides))

    def quads(self) -> set[tuple[str, ...]]:
        """Every quad on the server, as N-Triples terms (to compare states)."""
        r = httpx.post(
            f"{self.base}/query",
            data={"query": "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"},
            headers={"accept": "text/tab-separated-values"},
            timeout=30,
        )
        r.raise_for_status()
        return {tuple(line.split("\t")) for line in r.text.splitlines()[1:]}


# -- drafting: minutes as a PDF with a text layer ----------------------------------------------
def minutes_pdf(text: str, path: Path) -> Path:
    """Write `text` (paragraphs separated by blank lines) as a PDF with a text layer, the way a
    council's minutes PDF reads: A4, one font, lines wrapped by the page width."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime(2024, 1, 1, tzinfo=UTC))  # the same bytes each time
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for paragraph in text.strip().split("\n\n"):
        for line in paragraph.split("\n"):
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.output(str(path))
    return path


def scanned_pdf(path: Path) -> Path:
    """A PDF of one page that is only a picture (as a scanner makes): no text layer."""
    from fpdf import FPDF
    from PIL import Image

    picture = path.with_suffix(".png")
    Image.new("L", (200, 280), 255).save(picture)
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.image(str(picture), x=10, y=10, w=190)
    pdf.output(str(path))
    return path


class Visit:
    """One browser context: requests that would leave 127.0.0.1 are stopped and recorded, and so
    are script errors."""

    def __init__(self, browser: Any, **context_options: Any) -> None:
        self.context = browser.new_context(accept_downloads=True, **context_options)
        self.elsewhere: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._keep_local)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def _keep_local(self, route: Any) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.elsewhere.append(route.request.url)
            route.abort()
