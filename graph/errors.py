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
    """Input refused; ``problems`` lists every bad row. Nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[:50])
        more = f"\n... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(
            f"{len(problems)} problem(s) in the input, nothing written:\n{shown}{more}"
        )


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
