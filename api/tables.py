"""CLI tables that read at 80 columns: a rule under the header instead of boxes, two spaces
between columns, ids and short values never cut (a reader copies ids into the next command),
longer text wrapped at spaces."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rich import box
from rich.table import Table


def table(
    title: str | None,
    columns: Sequence[str],
    *,
    wrap: Collection[str] = (),
    right: Collection[str] = (),
) -> Table:
    """A table with ``columns``: only those in ``wrap`` wrap; those in ``right`` align right."""
    out = Table(
        title=title,
        box=box.SIMPLE_HEAD,
        padding=(0, 1, 0, 0),
        pad_edge=False,
        show_edge=False,
        title_justify="left",
        min_width=min(len(title or ""), 80),  # a title wider than its columns stays on one line
    )
    for column in columns:
        out.add_column(
            column,
            justify="right" if column in right else "left",
            no_wrap=column not in wrap,
            overflow="fold",
        )
    return out
