"""The ``supplygraph`` command line: load, serve, query, audit, export, info, the
analysts' questions (api/questions.py) and the planner and watch (api/plans.py).

Exit codes (api/exits.py): 0 done; 1 the answer has errors (or an audit found a breach,
with ``--compare`` a new one);
2 bad input (nothing written); 3 the store or the configuration is unusable.

Each command imports the stores, loaders, schema and engine it needs in its body: the
process starts for one command, and `--help` or `load` should not pay for the GraphQL
schema, both store drivers and the engine (seconds on a loaded machine).
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from importlib import metadata
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api import audit_command, imports, plans, questions, report_web, tables
from api.exits import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_UNAVAILABLE, exit_codes
from api.keys import KeyRing, Role
from api.settings import Settings, load_settings
from graph.errors import LoadError
from graph.stores.base import Store

app = typer.Typer(
    help="supplygraph: rare-earth and magnet supply-chain graph with exposure analytics.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
err = Console(stderr=True, soft_wrap=True)


def _print_version(value: bool) -> None:
    if value:
        out.print(f"supplygraph {metadata.version('supplygraph')}", highlight=False)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """supplygraph: rare-earth and magnet supply-chain graph with exposure analytics."""


@contextmanager
def _store(settings: Settings, *, read_only: bool = False) -> Iterator[Store]:
    from api.stores import open_store

    with exit_codes(err):
        store = open_store(settings, read_only=read_only)
    try:
        yield store
    finally:
        store.close()


def _settings() -> Settings:
    with exit_codes(err):
        return load_settings()


def _refuse(error: LoadError) -> NoReturn:
    """Print every problem literally (a user's `:x:` or `[red]` is neither an emoji nor
    markup) and exit 2."""
    for problem in error.problems:
        line = str(problem).encode("utf-8", "backslashreplace").decode("utf-8")
        sys.stderr.write(line + "\n")
    if error.more:
        sys.stderr.write(f"... and {error.more} more\n")
    total = len(error.problems) + error.more
    err.print(f"[red]refused:[/red] {total} problem(s); nothing was written.")
    raise typer.Exit(EXIT_BAD_INPUT) from error


@app.command()
def load(
    path: Annotated[Path, typer.Argument(help="A dataset folder of CSV files, or one CSV file.")],
    batch_size: Annotated[
        int | None,
        typer.Option(
            help="Rows per write transaction (default 1000).", envvar="SUPPLYGRAPH_BATCH_SIZE"
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    server: Annotated[
        str | None,
        typer.Option(
            help="Load through this running server (http://host:port) with the writer key "
            "in SUPPLYGRAPH_KEY."
        ),
    ] = None,
) -> None:
    """Validate every row, then write it all in batched, idempotent upserts.

    A bad file is refused with every problem listed as file:row: field: message (exit 2);
    nothing is written unless everything is valid.
    """
    if server is not None:
        _load_through(server, path)
        return
    from loaders.load import load as load_dataset

    settings = _settings()
    started = time.perf_counter()
    with _store(settings) as store:
        progress = Progress(
            TextColumn("{task.description:<21}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            disable=quiet,
        )
        task = progress.add_task("starting", total=None)

        def phase(name: str) -> None:
            progress.update(task, description=name)
            if not quiet and not err.is_terminal:  # a log gets one line per phase
                err.print(f"load: {name}", highlight=False)

        with exit_codes(err):
            try:
                with progress:
                    summary, version = load_dataset(
                        store=store,
                        path=str(path),
                        batch_size=batch_size or settings.batch_size,
                        on_start=lambda total: progress.update(task, total=total),
                        progress=lambda n: progress.advance(task, n),
                        on_phase=phase,
                    )
            except LoadError as e:
                _refuse(e)
    elapsed = time.perf_counter() - started
    table = tables.table(
        f"Loaded {path} into {store.kind} in {elapsed:.2f} s (graph version {version.version})",
        ("kind", "created", "updated", "unchanged"),
        right=("created", "updated", "unchanged"),
    )
    total = summary.total
    for kind, counts in [*summary.nodes.items(), *summary.relationships.items(), ("total", total)]:
        table.add_row(kind, str(counts.created), str(counts.updated), str(counts.unchanged))
    if not quiet:
        out.print(table)
    else:
        out.print(
            f"loaded {total.created} created, {total.updated} updated, {total.unchanged} "
            f"unchanged in {elapsed:.2f} s"
        )


def _load_through(server: str, path: Path) -> None:
    from api.remote import RemoteLoadError, upload

    secret = _settings().client_key
    key = secret.get_secret_value() if secret is not None else ""
    if not key:
        err.print("[red]error:[/red] set SUPPLYGRAPH_KEY to a writer key (supplygraph keys add)")
        raise typer.Exit(EXIT_UNAVAILABLE)
    try:
        answer = upload(server=server, path=path, key=key)
    except RemoteLoadError as e:
        for problem in e.problems:
            err.print(problem, markup=False, highlight=False)
        err.print(f"[red]refused:[/red] {e}", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT if e.bad_input else EXIT_UNAVAILABLE) from e
    out.print(
        f"loaded {answer['created']} created, {answer['updated']} updated, "
        f"{answer.get('unchanged', 0)} unchanged through {server} "
        f"in {answer['seconds']:.2f} s (graph version {answer['graphVersion']})",
        highlight=False,
    )


@app.command()
def serve(
    host: Annotated[
        str | None,
        typer.Option(help="Listen address (default 127.0.0.1).", envvar="SUPPLYGRAPH_HOST"),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=65535,
            help="Port (default 8000); 0: the OS picks a free one.",
            envvar="SUPPLYGRAPH_PORT",
        ),
    ] = None,
    port_file: Annotated[
        Path | None,
        typer.Option(help="Once listening, write the port here (what --port 0 was given)."),
    ] = None,
) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql), /healthz and /readyz.

    The socket is bound here and handed to uvicorn, so the port in --port-file is the one
    being served: nothing is released and re-bound in between.
    """
    import uvicorn

    from api.app import create_app
    from api.logging import configure, log_config

    settings = _settings()
    if host is not None:
        settings = settings.model_copy(update={"host": host})
    with _store(settings):
        pass  # fail here, plainly, rather than inside the server's start-up
    configure(settings.log_format)
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port if port is None else port,
        log_config=log_config(settings.log_format),
    )
    sock = config.bind_socket()
    # Accepted sockets inherit TCP_NODELAY; without it a keep-alive client waits ~40 ms (a
    # delayed ACK) for every body uvicorn writes apart from its headers.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    bound = int(sock.getsockname()[1])
    if port_file is not None:
        partial = port_file.with_name(port_file.name + ".partial")
        partial.write_text(f"{bound}\n", encoding="utf-8")
        partial.replace(port_file)  # readers never see a half-written file
    err.print(f"serving on http://{config.host}:{bound}", highlight=False)
    uvicorn.Server(config).run(sockets=[sock])


@app.command()
def query(
    document: Annotated[
        str | None, typer.Argument(help="A GraphQL document; or use --file.")
    ] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read it from a file.")] = None,
    variables: Annotated[
        str | None, typer.Option("--variables", "-v", help="Variables as a JSON object.")
    ] = None,
) -> None:
    """Run a GraphQL query against the configured store and print the JSON answer.

    Exits 1 when the answer carries errors, 2 when the document or variables are unreadable.
    """
    if (document is None) == (file is None):
        err.print("[red]error:[/red] give a document or --file, not both")
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        text = file.read_text(encoding="utf-8") if file else str(document)
        values: dict[str, Any] = json.loads(variables) if variables else {}
    except (OSError, json.JSONDecodeError) as e:
        err.print(f"[red]error:[/red] {e}")
        raise typer.Exit(EXIT_BAD_INPUT) from e
    if not isinstance(values, dict):
        err.print("[red]error:[/red] --variables must be a JSON object")
        raise typer.Exit(EXIT_BAD_INPUT)
    from graph.snapshots import SnapshotCache
    from schema import build_schema
    from schema.context import Context

    settings = _settings()
    with _store(settings, read_only=True) as store:
        context = Context(store, SnapshotCache(), settings.max_page_size)
        result = asyncio.run(
            build_schema().execute(text, variable_values=values, context_value=context)
        )
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        payload["errors"] = [e.formatted for e in result.errors]
    sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    if result.errors:
        raise typer.Exit(EXIT_FAILED)


class ExportFormat(StrEnum):
    NEO4J_ADMIN = "neo4j-admin"
    GRAPHML = "graphml"


@app.command()
def export(
    target: Annotated[Path, typer.Argument(help="Folder (neo4j-admin) or .graphml file to write.")],
    format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="neo4j-admin CSV or GraphML.")
    ] = ExportFormat.NEO4J_ADMIN,
) -> None:
    """Write the whole graph from the configured store.

    neo4j-admin: CSV files with :ID/:LABEL/:START_ID/:END_ID/:TYPE headers and an import.sh
    for `neo4j-admin database import full`; `supplygraph load FOLDER` reads them back into
    either store. graphml: one file for Gephi, yEd, networkx.
    """
    from loaders.formats.graphml import export_graphml
    from loaders.formats.neo4j_admin import export_neo4j_admin

    settings = _settings()
    with _store(settings, read_only=True) as store, exit_codes(err):
        try:
            if format is ExportFormat.GRAPHML:
                summary = export_graphml(store=store, path=target)
            else:
                summary = export_neo4j_admin(store=store, folder=target)
        except OSError as e:
            err.print(f"[red]error:[/red] cannot write {target}: {e}")
            raise typer.Exit(EXIT_BAD_INPUT) from e
    out.print(
        f"exported {summary.nodes} nodes and {summary.relationships} relationships "
        f"from the {store.kind} store to {target}"
    )


@app.command()
def info() -> None:
    """Show the store, the graph version and node and relationship counts."""
    settings = _settings()
    with _store(settings, read_only=True) as store, exit_codes(err):
        version = store.graph_version()
        counts = store.counts()
    table = tables.table(
        f"{store.kind} store, graph version {version.version} "
        f"(loaded {version.loaded_at or 'never'})",
        ("kind", "count"),
        right=("count",),
    )
    for kind, n in counts.items():
        table.add_row(kind, str(n))
    out.print(table)
    if version.incomplete:
        err.print(
            f"incomplete load: one began at {version.incomplete} and has not completed "
            f"(still running, or stopped); this is version {version.version}, complete. "
            "Load the same data again to complete it.",
            highlight=False,
        )


keys_app = typer.Typer(help="API keys: add (prints the key once), list, revoke.")
app.add_typer(keys_app, name="keys")


class RoleName(StrEnum):
    READER = "reader"
    WRITER = "writer"


def _keyring() -> KeyRing:
    return KeyRing(Path(_settings().keys_file))


@keys_app.command("add")
def keys_add(
    name: Annotated[str, typer.Argument(help="Who the key is for, e.g. ministry-dashboard.")],
    role: Annotated[RoleName, typer.Option(help="reader: queries; writer: also loads.")] = (
        RoleName.READER
    ),
) -> None:
    """Make a key and print it once; only its hash is kept (the keys file, mode 600)."""
    ring = _keyring()
    with exit_codes(err):
        key = ring.add(name, Role(role.value))
    sys.stdout.write(key + "\n")
    err.print(
        f"key {name!r} ({role.value}) stored as a hash in {ring.path}; it is not shown again",
        highlight=False,
    )


@keys_app.command("list")
def keys_list() -> None:
    """The keys' names, roles and creation times (never the keys)."""
    with exit_codes(err):
        entries = _keyring().entries()
    for entry in entries:
        out.print(f"{entry.name}\t{entry.role.value}\t{entry.created}", highlight=False)


@keys_app.command("revoke")
def keys_revoke(name: Annotated[str, typer.Argument(help="The key's name.")]) -> None:
    """Remove a key; a running server refuses it from its next request."""
    with exit_codes(err):
        _keyring().revoke(name)
    err.print(f"revoked {name!r}", highlight=False)


questions.register(app, settings=_settings, opened=_store, out=out, err=err)
audit_command.register(app, settings=_settings, opened=_store, err=err)
plans.register(app, settings=_settings, opened=_store, out=out, err=err)
imports.register(app, settings=_settings, opened=_store, out=out, err=err)
report_web.register(app, settings=_settings, opened=_store, err=err)


def main() -> None:
    app()
