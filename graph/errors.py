"""One root exception and a subclass per area, so callers can catch what they handle."""

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


class QueryError(SupplyGraphError):
    """A question cannot be answered as asked (unknown id, bad argument)."""


class NotFound(QueryError):
    """An id names nothing in the graph."""


class CycleError(SupplyGraphError):
    """The supply data has a cycle; ``nodes`` are the ids involved."""

    def __init__(self, cycles: list[list[str]]) -> None:
        self.cycles = cycles
        shown = "; ".join(" -> ".join(c) for c in cycles[:5])
        super().__init__(f"the supply graph has {len(cycles)} cycle(s): {shown}")
