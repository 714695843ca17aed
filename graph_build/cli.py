"""The `cspkg` command: build, validate, query, stats, export, serve."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from . import pipeline
from .config import Settings, get_settings
from .errors import BuildError
from .namespaces import PREFIXES
from .progress import RichReporter
from .store import EmbeddedStore, StoreUnavailable, open_store

app = typer.Typer(help="cspkg: a knowledge graph of community safety partnerships in England and Wales.",
                  no_args_is_help=True, add_completion=False)
# No emoji codes: 'file.yaml:100: field' must not print as 'file.yaml💯 field'.
out = Console(emoji=False)
err = Console(stderr=True, emoji=False)


class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    xml = "xml"


class ExportFormat(str, Enum):
    trig = "trig"
    nquads = "nquads"
    turtle = "turtle"
    ntriples = "ntriples"


def _settings(data: Path | None, store: str | None) -> Settings:
    """The settings, with --data and --store (a folder: the embedded store; an http(s) URL: a SPARQL endpoint)."""
    settings = get_settings()
    updates: dict = {"data_dir": data} if data is not None else {}
    if store is not None and store.startswith(("http://", "https://")):
        updates["store"] = store
    elif store is not None:
        updates.update(store=None, store_dir=Path(store))
    return settings.model_copy(update=updates) if updates else settings


def _fail(exc: BuildError, what: str) -> None:
    err.print(f"[bold red]{what} failed[/]: {len(exc.errors)} problem(s)", highlight=False)
    for e in exc.errors:
        err.print(f"  {e}", highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(1)


DataOpt = Annotated[Optional[Path], typer.Option("--data", help="Data folder (default: CSPKG_DATA_DIR or ./data)")]
StoreOpt = Annotated[Optional[str], typer.Option("--store", help="Embedded store folder, or the query URL of a SPARQL "
                                                "server (default: CSPKG_STORE, else CSPKG_STORE_DIR)")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars")]


@app.command()
def build(data: DataOpt = None, store: StoreOpt = None, quiet: QuietOpt = False) -> None:
    """Build the graph and load it into the store, atomically: on any error the old store stays."""
    settings = _settings(data, store)
    reporter = RichReporter(err) if not quiet else pipeline.Reporter()
    try:
        info = pipeline.build(settings, open_store(settings), reporter)
    except BuildError as exc:
        _close(reporter)
        _fail(exc, "build")
    except StoreUnavailable as exc:
        _close(reporter)
        err.print(f"[bold red]build failed[/]: {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    _close(reporter)
    timings = ", ".join(f"{k} {v:.2f}s" for k, v in reporter.timings.items())
    err.print(f"[green]built[/] {info.build_id} ({timings})", highlight=False)


def _close(reporter) -> None:
    """Stop the progress bars, then show the warnings (e.g. possible matches with national bodies)."""
    if isinstance(reporter, RichReporter):
        reporter.close()
    for warning in reporter.warnings:
        err.print(f"[yellow]warning[/]: {escape(str(warning))}", highlight=False, soft_wrap=True)


@app.command()
def validate(files: Annotated[Optional[list[Path]], typer.Argument(help="Fact files to check (default: all)")] = None,
             data: DataOpt = None, quiet: QuietOpt = False) -> None:
    """Check fact files (parse, references, SHACL) without loading anything."""
    settings = _settings(data, None)
    reporter = RichReporter(err) if not quiet else pipeline.Reporter()
    try:
        compiled = pipeline.validate(settings, files or None, reporter)
    except BuildError as exc:
        _close(reporter)
        _fail(exc, "validation")
    _close(reporter)
    triples = sum(len(g.triples) for g in compiled.graphs)
    err.print(f"[green]valid[/]: {len(compiled.graphs)} source(s), {triples} triples", highlight=False)


def _open_embedded(store: str | None) -> ox.Store:
    settings = _settings(None, store)
    if settings.store:
        err.print(f"[red]this command reads the embedded store; query {settings.store} directly[/]", soft_wrap=True)
        raise typer.Exit(1)
    try:
        return EmbeddedStore(settings.store_dir).store()
    except StoreUnavailable as exc:
        err.print(f"[red]{exc}[/]", soft_wrap=True)
        raise typer.Exit(1) from None


_RESULT_FORMATS = {QueryFormat.csv: ox.QueryResultsFormat.CSV, QueryFormat.tsv: ox.QueryResultsFormat.TSV,
                   QueryFormat.json: ox.QueryResultsFormat.JSON, QueryFormat.xml: ox.QueryResultsFormat.XML}


@app.command()
def query(sparql: Annotated[Optional[str], typer.Argument(help="The query; '-' reads standard input")] = None,
          file: Annotated[Optional[Path], typer.Option("--file", "-f", help="Read the query from a file")] = None,
          fmt: Annotated[QueryFormat, typer.Option("--format", help="Output format")] = QueryFormat.table,
          store: StoreOpt = None) -> None:
    """Run a SPARQL query on the store (the default graph is the union of all sources)."""
    text = file.read_text() if file else (sys.stdin.read() if sparql in (None, "-") else sparql)
    db = _open_embedded(store)
    try:
        result = db.query(text, use_default_graph_as_union=True, prefixes=PREFIXES)
    except SyntaxError as exc:
        err.print(f"[red]bad query[/]: {exc}", markup=True, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    if isinstance(result, ox.QueryBoolean):
        print("true" if bool(result) else "false")
    elif isinstance(result, ox.QueryTriples):
        sys.stdout.write(result.serialize(format=ox.RdfFormat.TURTLE).decode())
    elif fmt is QueryFormat.table:
        _print_table(result)
    else:
        sys.stdout.write(result.serialize(format=_RESULT_FORMATS[fmt]).decode())


def _print_table(solutions: ox.QuerySolutions) -> None:
    names = [v.value for v in solutions.variables]
    table = Table(*names, show_lines=False)
    rows = 0
    for sol in solutions:
        table.add_row(*(Text(_show(sol[n])) for n in names))  # data, not markup
        rows += 1
    out.print(table)
    err.print(f"{rows} row(s)")


def _show(term) -> str:
    if term is None:
        return ""
    return term.value if hasattr(term, "value") else str(term)


STATS_QUERIES = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "graphs": "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
}


@app.command()
def stats(store: StoreOpt = None) -> None:
    """Counts: triples, named graphs, resources by class, and facts by source."""
    db = _open_embedded(store)
    for label, q in STATS_QUERIES.items():
        n = next(iter(db.query(q)))["n"].value
        out.print(f"{label}: {n}")
    by_class = db.query("""SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c }
        FILTER(STRSTARTS(STR(?c), "https://w3id.org/cspkg/def#")) } GROUP BY ?c ORDER BY DESC(?n) ?c""")
    table = Table("class", "resources")
    for sol in by_class:
        table.add_row(sol["c"].value.rsplit("#", 1)[-1], sol["n"].value)
    out.print(table)
    by_graph = db.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    table = Table("named graph", "triples")
    for sol in by_graph:
        table.add_row(sol["g"].value, sol["n"].value)
    out.print(table)


_EXPORT = {ExportFormat.trig: ox.RdfFormat.TRIG, ExportFormat.nquads: ox.RdfFormat.N_QUADS,
           ExportFormat.turtle: ox.RdfFormat.TURTLE, ExportFormat.ntriples: ox.RdfFormat.N_TRIPLES}


@app.command()
def export(fmt: Annotated[ExportFormat, typer.Option("--format", help="Dump format")] = ExportFormat.trig,
           output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File (default: stdout)")] = None,
           graph: Annotated[Optional[str], typer.Option("--graph", help="Only this named graph (IRI)")] = None,
           store: StoreOpt = None) -> None:
    """Dump the store: TriG or N-Quads keep the named graphs; Turtle and N-Triples give the union
    (or one --graph)."""
    db = _open_embedded(store)
    rdf_format = _EXPORT[fmt]
    if graph:
        data = db.dump(format=rdf_format, from_graph=ox.NamedNode(graph)) if not rdf_format.supports_datasets \
            else ox.serialize((ox.Quad(q.subject, q.predicate, q.object, q.graph_name)
                               for q in db.quads_for_pattern(None, None, None, ox.NamedNode(graph))), format=rdf_format)
    elif rdf_format.supports_datasets:
        data = db.dump(format=rdf_format, prefixes=PREFIXES) if rdf_format is ox.RdfFormat.TRIG else db.dump(format=rdf_format)
    else:
        triples = db.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        data = triples.serialize(format=rdf_format)
    if output:
        output.write_bytes(data)
        err.print(f"wrote {output}")
    else:
        sys.stdout.buffer.write(data)


@app.command()
def serve(host: Annotated[Optional[str], typer.Option(help="Interface (default CSPKG_HOST)")] = None,
          port: Annotated[Optional[int], typer.Option(help="Port (default CSPKG_PORT)")] = None,
          rebuild: Annotated[bool, typer.Option(help="Build first when the store is missing or stale")] = True,
          http_workers: Annotated[int, typer.Option(min=1, help="HTTP server processes sharing the port "
                                                               "(each with CSPKG_WORKERS query workers)")] = 1,
          data: DataOpt = None, store: StoreOpt = None) -> None:
    """Serve the API and web pages; builds first when the store is missing or its inputs changed."""
    settings = _settings(data, store)
    if rebuild:
        try:
            current = open_store(settings).build_info()
            stale = current is None or current.input_hash != pipeline.input_hash(settings)
        except StoreUnavailable as exc:
            err.print(f"[red]{escape(str(exc))}[/]: serving anyway; requests answer 503 until the store is back",
                      soft_wrap=True)
            stale = False
        if stale:
            err.print("store missing or stale: building first")
            build(data=data, store=store, quiet=False)
    from api.server import serve as serve_api  # uvicorn on httptools, as the API benchmark measures it

    serve_api(settings, host, port, http_workers=http_workers)


if __name__ == "__main__":
    app()
