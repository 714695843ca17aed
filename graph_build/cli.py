"""The `cspkg` command: build, validate, query, stats, export, serve."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer
from pydantic import ValidationError
from rdflib import URIRef
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from . import pipeline
from .config import Settings, get_settings
from .errors import BuildError
from .namespaces import PREFIXES
from .progress import Reporter, RichReporter
from .resources import lay_out_project
from .store import GraphStore, StoreUnavailable, open_store
from .store.base import Formats, QueryError, term_n3

app = typer.Typer(
    help="cspkg: a knowledge graph of community safety partnerships in England and Wales.",
    no_args_is_help=True,
    add_completion=False,
)
# No emoji codes: 'file.yaml:100: field' must not print as 'file.yaml💯 field'.
out = Console(emoji=False)
err = Console(stderr=True, emoji=False)


class QueryFormat(StrEnum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    xml = "xml"


class ExportFormat(StrEnum):
    trig = "trig"
    nquads = "nquads"
    turtle = "turtle"
    ntriples = "ntriples"


@app.callback()
def main(
    project: Annotated[
        Path | None,
        typer.Option(
            "--project",
            help="Project folder: its data/ is read and var/ (the store, caches) made in it "
            "(default: CSPKG_PROJECT_DIR, else the current folder)",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """cspkg: a knowledge graph of community safety partnerships in England and Wales."""
    if project is not None:  # in the environment, so that the API's worker processes see it too
        os.environ["CSPKG_PROJECT_DIR"] = str(project.resolve())
        get_settings.cache_clear()


@app.command()
def init(
    folder: Annotated[
        Path, typer.Argument(help="The project folder to make (or complete)", file_okay=False)
    ] = Path("."),
) -> None:
    """Lay out a project: data/minutes/ for fact files, and the national reference data and
    register of national bodies this package carries, copied into data/ to curate."""
    made = lay_out_project(folder)
    for path in made:
        err.print(f"made {escape(str(path))}", highlight=False)
    err.print(
        f"{'ready' if made else 'already laid out'}: put fact files in {escape(str(folder / 'data' / 'minutes'))}, "
        f"then run 'cspkg --project {escape(str(folder))} build'",
        highlight=False,
    )


def _settings(data: Path | None, store: str | None) -> Settings:
    """The settings, with --data and --store (a folder: the embedded store; an http(s) URL: a SPARQL endpoint)."""
    try:
        settings = get_settings()
    except ValidationError as exc:  # a CSPKG_* variable that is not a valid value: say which, and why
        for e in exc.errors():
            name = "CSPKG_" + "_".join(str(part) for part in e["loc"]).upper()
            err.print(f"[bold red]setting {name}[/]: {escape(e['msg'])}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
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


DataOpt = Annotated[
    Path | None, typer.Option("--data", help="Data folder (default: CSPKG_DATA_DIR or ./data)")
]
StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Embedded store folder, or the query URL of a SPARQL "
        "server (default: CSPKG_STORE, else CSPKG_STORE_DIR)",
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars")]


@app.command()
def build(
    data: DataOpt = None,
    store: StoreOpt = None,
    quiet: QuietOpt = False,
    full: Annotated[
        bool,
        typer.Option("--full", help="Build everything again, not only what changed since the served build"),
    ] = False,
) -> None:
    """Build the graph and load it into the store, atomically: on any error the old store stays.
    With a build served, only the sources that changed (and what derives from them) are built
    again and replaced."""
    settings = _settings(data, store)
    reporter = RichReporter(err) if not quiet else Reporter()
    try:
        info = pipeline.build(settings, open_store(settings), reporter, full=full)
    except BuildError as exc:
        _close(reporter)
        _fail(exc, "build")
    except StoreUnavailable as exc:
        _close(reporter)
        err.print(f"[bold red]build failed[/]: {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    _close(reporter)
    timings = ", ".join(f"{k} {v:.2f}s" for k, v in reporter.timings.items())
    err.print(f"[green]built[/] {info.build_id}: {reporter.summary} ({timings})", highlight=False)


def _close(reporter: Reporter) -> None:
    """Stop the progress bars, then show the warnings (e.g. possible matches with national bodies)."""
    if isinstance(reporter, RichReporter):
        reporter.close()
    for warning in reporter.warnings:
        err.print(f"[yellow]warning[/]: {escape(str(warning))}", highlight=False, soft_wrap=True)


@app.command()
def validate(
    files: Annotated[list[Path] | None, typer.Argument(help="Fact files to check (default: all)")] = None,
    data: DataOpt = None,
    quiet: QuietOpt = False,
    draft: Annotated[
        bool, typer.Option("--draft", help="The files are drafts of `cspkg draft`: accept their draft: keys")
    ] = False,
) -> None:
    """Check fact files (parse, references, SHACL) without loading anything."""
    settings = _settings(data, None)
    reporter = RichReporter(err) if not quiet else Reporter()
    if draft and not files:
        err.print("[bold red]validation failed[/]: --draft needs the draft files to check", highlight=False)
        raise typer.Exit(2)
    try:
        compiled = pipeline.validate(settings, files or None, reporter, draft)
    except BuildError as exc:
        _close(reporter)
        _fail(exc, "validation")
    _close(reporter)
    triples = sum(len(g.triples) for g in compiled.graphs)
    err.print(f"[green]valid[/]: {len(compiled.graphs)} source(s), {triples} triples", highlight=False)


@app.command()
def draft(
    input_file: Annotated[
        Path, typer.Argument(metavar="INPUT", help="Minutes: HTML page, PDF, text, or GetMeeting XML")
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Draft file to write (default: stdout), e.g. data/drafts/x.yaml"),
    ] = None,
    data: DataOpt = None,
    url: Annotated[str | None, typer.Option("--url", help="Where the public copy is (source.url)")] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", help="A curated source id (or file) the draft must not draw on"),
    ] = None,
) -> None:
    """Draft a fact file from a council's minutes, for a curator to check (see docs/drafting.md)."""
    from .draft import DraftInputError, draft_file, write_draft
    from .draft.write import to_yaml

    settings = _settings(data, None)
    try:
        drafted = draft_file(input_file, settings.data_dir, set(exclude or ()), url)
    except DraftInputError as exc:
        err.print(f"[bold red]draft failed[/]: {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    if output is None:
        sys.stdout.write(to_yaml(drafted))
        return
    write_draft(drafted, output)
    counts = ", ".join(f"{len(v)} {k}" for k, v in drafted.items() if isinstance(v, list))
    err.print(f"[green]drafted[/] {escape(str(output))}: {counts}", highlight=False, soft_wrap=True)


@app.command()
def accept(
    draft_file: Annotated[Path, typer.Argument(metavar="DRAFT", help="A reviewed draft (cspkg draft)")],
    publish: Annotated[bool, typer.Option("--publish", help="Build and serve it at once")] = False,
    min_confidence: Annotated[
        float | None,
        typer.Option("--min-confidence", min=0, max=1, help="Drop entries drafted with less confidence"),
    ] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Overwrite its file in data/minutes/")] = False,
    accepted_only: Annotated[
        bool,
        typer.Option(
            "--accepted-only", help="Only the entries marked accepted: true (cspkg curate marks them)"
        ),
    ] = False,
    data: DataOpt = None,
    store: StoreOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Accept a reviewed draft into data/minutes/: entries marked `draft: {rejected: true}` left
    out, draft keys and spans stripped, checked, written as the review app writes it."""
    from .curate.accept import accept_draft

    settings = _settings(data, store)
    reporter = RichReporter(err) if not quiet else Reporter()
    try:
        done = accept_draft(
            settings,
            draft_file,
            min_confidence=min_confidence,
            accepted_only=accepted_only,
            replace=replace,
            publish=publish,
            reporter=reporter,
        )
    except BuildError as exc:
        _close(reporter)
        _fail(exc, "accept")
    except StoreUnavailable as exc:
        _close(reporter)
        err.print(f"[bold red]accept failed[/]: {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    _close(reporter)
    for note in done.notes:
        err.print(f"[yellow]note[/]: {escape(note)}", highlight=False, soft_wrap=True)
    served = f", published as build {done.build.build_id}" if done.build else " (cspkg build publishes it)"
    err.print(
        f"[green]accepted[/] {escape(str(done.path))}: {done.kept} entries, {done.dropped} left out{served}",
        highlight=False,
        soft_wrap=True,
    )


@contextmanager
def _reading() -> Iterator[None]:
    """A store's failure as the command's exit: 2 for a bad query, 1 when the store cannot answer."""
    try:
        yield
    except QueryError as exc:
        err.print(f"[red]bad query[/]: {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except StoreUnavailable as exc:
        err.print(f"[red]{escape(str(exc))}[/]", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


def _served_store(store: str | None) -> GraphStore:
    """The store the settings name; exits when it cannot be read or holds no build."""
    db = open_store(_settings(None, store))
    with _reading():
        if db.build_info() is None:
            raise StoreUnavailable(f"no build in {db!r}: run 'cspkg build'")
    return db


_RESULT_MEDIA_TYPES = {
    QueryFormat.table: "application/sparql-results+json",
    QueryFormat.csv: "text/csv",
    QueryFormat.tsv: "text/tab-separated-values",
    QueryFormat.json: "application/sparql-results+json",
    QueryFormat.xml: "application/sparql-results+xml",
}


@app.command()
def query(
    sparql: Annotated[str | None, typer.Argument(help="The query; '-' reads standard input")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the query from a file")] = None,
    fmt: Annotated[
        QueryFormat, typer.Option("--format", help="Output format (CONSTRUCT and DESCRIBE: Turtle)")
    ] = QueryFormat.table,
    store: StoreOpt = None,
) -> None:
    """Run a SPARQL query on the store (the default graph is the union of all sources), answered
    as the API's /sparql answers it, without its result limit."""
    text = file.read_text() if file else (sys.stdin.read() if sparql in (None, "-") else sparql)
    db = _served_store(store)
    with _reading():
        result = db.raw(text, Formats(solutions=(_RESULT_MEDIA_TYPES[fmt],), graph=("text/turtle",)))
    if fmt is QueryFormat.table and result.form != "graph":
        _print_table(ox.parse_query_results(result.body, format=ox.QueryResultsFormat.JSON))
    else:
        sys.stdout.buffer.write(result.body)


def _print_table(answer: ox.QuerySolutions | ox.QueryBoolean) -> None:
    if isinstance(answer, ox.QueryBoolean):
        print("true" if answer else "false")
        return
    names = [v.value for v in answer.variables]
    table = Table(*names, show_lines=False)
    rows = 0
    for sol in answer:
        table.add_row(*(Text(_show(sol[n])) for n in names))  # data, not markup
        rows += 1
    out.print(table)
    err.print(f"{rows} row(s)")


def _show(term: object) -> str:
    if term is None:
        return ""
    return term.value if hasattr(term, "value") else str(term)


# ?g is the parameter of each (VALUES ... UNDEF: every graph unless `stats --graph` names one)
STATS_QUERIES = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?g { UNDEF } GRAPH ?g { ?s ?p ?o } }",
    "graphs": "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { VALUES ?g { UNDEF } GRAPH ?g { ?s ?p ?o } }",
}
RESOURCES_BY_CLASS = """SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { VALUES ?g { UNDEF } GRAPH ?g { ?s a ?c }
    FILTER(STRSTARTS(STR(?c), "https://w3id.org/cspkg/def#")) } GROUP BY ?c ORDER BY DESC(?n) ?c"""
TRIPLES_BY_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


@app.command()
def stats(
    store: StoreOpt = None,
    graph: Annotated[
        str | None,
        typer.Option("--graph", help="Only this named graph (IRI), e.g. one source's: what it contributed"),
    ] = None,
) -> None:
    """Counts: triples, named graphs, resources by class, and triples by source graph."""
    db = _served_store(store)
    only = {"g": URIRef(graph)} if graph else None
    with _reading():
        for label, q in STATS_QUERIES.items():
            out.print(f"{label}: {db.select(q, only)[0]['n']}")
        table = Table("class", "resources")
        for row in db.select(RESOURCES_BY_CLASS, only):
            table.add_row(str(row["c"]).rsplit("#", 1)[-1], str(row["n"]))
        out.print(table)
        if graph:
            return
        table = Table("named graph", "triples")
        for row in db.select(TRIPLES_BY_GRAPH):
            table.add_row(str(row["g"]), str(row["n"]))
        out.print(table)


_EXPORT = {
    ExportFormat.trig: ox.RdfFormat.TRIG,
    ExportFormat.nquads: ox.RdfFormat.N_QUADS,
    ExportFormat.turtle: ox.RdfFormat.TURTLE,
    ExportFormat.ntriples: ox.RdfFormat.N_TRIPLES,
}
GRAPH_NAMES = "SELECT DISTINCT ?g WHERE { GRAPH ?g {} } ORDER BY ?g"
UNION = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def _graph_triples(db: GraphStore, graph: str) -> Iterator[ox.Triple]:
    return iter(
        db.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {term_n3(URIRef(graph))} {{ ?s ?p ?o }} }}")
    )


def _quads(db: GraphStore, graphs: list[str]) -> Iterator[ox.Quad]:
    """The graphs' quads, one graph at a time (one query each, read as it is written out)."""
    for graph in graphs:
        name = ox.NamedNode(graph)
        for t in _graph_triples(db, graph):
            yield ox.Quad(t.subject, t.predicate, t.object, name)


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="Dump format")] = ExportFormat.trig,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (default: stdout)")] = None,
    graph: Annotated[str | None, typer.Option("--graph", help="Only this named graph (IRI)")] = None,
    store: StoreOpt = None,
) -> None:
    """Dump the store: TriG or N-Quads keep the named graphs; Turtle and N-Triples give the union
    (or one --graph). Written as it is read; a file appears only once it is whole."""
    db = _served_store(store)
    rdf_format = _EXPORT[fmt]
    with _reading():
        statements: Iterator[ox.Quad] | Iterator[ox.Triple]
        if rdf_format.supports_datasets:
            graphs = [graph] if graph else [str(row["g"]) for row in db.select(GRAPH_NAMES)]
            statements = _quads(db, graphs)
        else:
            statements = _graph_triples(db, graph) if graph else iter(db.query(UNION))
        _write(statements, rdf_format, output)


def _write(statements: Iterator, rdf_format: ox.RdfFormat, output: Path | None) -> None:
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TRIG, ox.RdfFormat.TURTLE) else None
    if output is None:
        ox.serialize(statements, sys.stdout.buffer, format=rdf_format, prefixes=prefixes)
        return
    partial = output.with_name(output.name + ".partial")
    try:
        ox.serialize(statements, partial, format=rdf_format, prefixes=prefixes)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(output)
    err.print(f"wrote {output}")


@app.command()
def curate(
    draft_or_input: Annotated[
        Path | None,
        typer.Argument(
            metavar="[DRAFT_OR_INPUT]",
            help="A draft (cspkg draft), or minutes to draft first (default: the newest in data/drafts/; "
            "or open one in the page)",
        ),
    ] = None,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (default: a free one)")] = 0,
    data: DataOpt = None,
    store: StoreOpt = None,
) -> None:
    """Review a draft's facts beside the minutes in a local web page, then save and publish them.
    It listens on 127.0.0.1 only; open the address it prints (it holds a one-time token)."""
    from .curate import Desk, serve
    from .curate.run import CannotReview, newest_draft

    desk = Desk(_settings(data, store))
    try:
        first = draft_or_input or newest_draft(desk.settings)
        if first is not None:
            desk.open(first)
    except CannotReview as exc:
        err.print(f"[bold red]curate failed[/]: {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    serve(desk, port, announce=lambda url: print(f"review at {url}", flush=True))


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default CSPKG_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default CSPKG_PORT)")] = None,
    rebuild: Annotated[bool, typer.Option(help="Build first when the store is missing or stale")] = True,
    http_workers: Annotated[
        int,
        typer.Option(
            min=1, help="HTTP server processes sharing the port (each with CSPKG_WORKERS query workers)"
        ),
    ] = 1,
    data: DataOpt = None,
    store: StoreOpt = None,
) -> None:
    """Serve the API and web pages; builds first when the store is missing or its inputs changed."""
    settings = _settings(data, store)
    if rebuild:
        try:
            current = open_store(settings).build_info()
            stale = current is None or current.input_hash != pipeline.input_hash(settings)
        except StoreUnavailable as exc:
            err.print(
                f"[red]{escape(str(exc))}[/]: serving anyway; requests answer 503 until the store is back",
                soft_wrap=True,
            )
            stale = False
        if stale:
            err.print("store missing or stale: building first")
            build(data=data, store=store, quiet=False, full=False)
    from api.server import serve as serve_api  # uvicorn on httptools, as the API benchmark measures it

    serve_api(settings, host, port, http_workers=http_workers)


if __name__ == "__main__":
    app()
