"""The CLI's exit codes, and the one place that maps our errors onto them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from graph.errors import LoadError, QueryError, SupplyGraphError

EXIT_FAILED = 1
"""The answer carries errors, or an audit found a breach."""
EXIT_BAD_INPUT = 2
"""Bad input: a file, an id, an argument. Nothing was written."""
EXIT_UNAVAILABLE = 3
"""The store or the configuration is unusable."""


@contextmanager
def exit_codes(err: Console) -> Iterator[None]:
    """Print what went wrong, plainly, and exit with its code; never a traceback."""
    try:
        yield
    except LoadError as e:
        for problem in e.problems:
            err.print(str(problem), markup=False, highlight=False)
        err.print(f"[red]refused:[/red] {len(e.problems)} problem(s); nothing was written.")
        raise typer.Exit(EXIT_BAD_INPUT) from e
    except QueryError as e:
        err.print(f"[red]bad input:[/red] {e}")
        raise typer.Exit(EXIT_BAD_INPUT) from e
    except SupplyGraphError as e:
        err.print(f"[red]error:[/red] {e}")
        raise typer.Exit(EXIT_UNAVAILABLE) from e
