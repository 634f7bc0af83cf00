"""Every error supplygraph raises on purpose: one root and a subclass per area, so callers
catch what they handle. The edges map them once: api/exits.py onto exit codes (LoadError
and QueryError 2, the rest 3), schema/errors.py onto GraphQL ``extensions.code``.

    SupplyGraphError
        SettingsError        the configuration (environment) is missing or bad
        LoadError            input rows refused, with every Problem (file, row, field)
        StoreError           the store failed
            StoreUnavailable     ... or cannot be reached or opened
        QueryError           a question cannot be answered as asked
            NotFound             an id names nothing in the graph
            AuditInputError      an audit file or its options are bad, with every Problem
        CycleError           the supply data has a cycle
        RemoteLoadError      a running server refused a load or import, or cannot be reached
        NotebookError        the notebook client's server refused or cannot be reached
        PdfError             no Chromium to print a report with, or it failed
"""

from __future__ import annotations

from dataclasses import dataclass


class SupplyGraphError(Exception):
    """Root of every error supplygraph raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input row: ``file:row: field: message``."""

    file: str
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}: {self.field}: {self.message}"


class SettingsError(SupplyGraphError):
    """The configuration is missing something or holds a bad value."""


class LoadError(SupplyGraphError):
    """Input refused; ``problems`` lists every bad row (up to a limit: ``more`` counts the
    ones left out). Nothing was written."""

    def __init__(self, problems: list[Problem], *, more: int = 0) -> None:
        self.problems = problems
        self.more = more
        total = len(problems) + more
        shown = "\n".join(str(p) for p in problems[:50])
        hidden = total - min(len(problems), 50)
        rest = f"\n... and {hidden} more" if hidden else ""
        super().__init__(f"{total} problem(s) in the input, nothing written:\n{shown}{rest}")


class StoreError(SupplyGraphError):
    """The store failed or cannot be reached."""


class StoreUnavailable(StoreError):
    """The store cannot be reached or opened (server down, wrong password, locked)."""


class StoreBusy(StoreUnavailable):
    """The store is briefly unreadable (another process is committing a load): retry."""


class QueryError(SupplyGraphError):
    """A question cannot be answered as asked (unknown id, bad argument)."""


class NotFound(QueryError):
    """An id names nothing in the graph."""


class AuditInputError(QueryError):
    """An audit file cannot be read or does not validate; ``problems`` lists each fault."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class CycleError(SupplyGraphError):
    """The supply data has a cycle; ``nodes`` are the ids involved."""

    def __init__(self, cycles: list[list[str]]) -> None:
        self.cycles = cycles
        shown = "; ".join(" -> ".join(c) for c in cycles[:5])
        super().__init__(f"the supply graph has {len(cycles)} cycle(s): {shown}")


class RemoteLoadError(SupplyGraphError):
    """A server refused a load sent through it; ``problems`` are its file:row: field: message
    (or sheet!cell) lines; ``bad_input`` tells a refused input from an unreachable server."""

    def __init__(self, message: str, *, problems: list[str], bad_input: bool) -> None:
        super().__init__(message)
        self.problems = problems
        self.bad_input = bad_input


class NotebookError(SupplyGraphError):
    """The server refused the notebook client's request or could not be reached."""


class PdfError(SupplyGraphError):
    """No Chromium to print with, or it failed."""
