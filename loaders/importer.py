"""Import a public release (USGS MCS, UN Comtrade, CEPII BACI) into a store.

Read and check everything first; refuse the whole file (LoadError, nothing written) if any row
is refused; then write with the dataset's writer and bump the graph version as a load does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from graph.errors import LoadError, Problem
from graph.records import GraphVersion, NodeRecord
from graph.stores.base import Store
from loaders.formats import baci, comtrade, usgs_mcs
from loaders.formats.release import (
    DEFAULT_MAPPINGS,
    Countries,
    Intake,
    hs_items,
    mcs_commodities,
)
from loaders.validate import Batch, check_relationships
from loaders.writer import LoadSummary, write_batch


class ReleaseFormat(StrEnum):
    USGS_MCS = "usgs-mcs"
    COMTRADE = "comtrade"
    BACI = "baci"


@dataclass
class ImportReport:
    summary: LoadSummary
    version: GraphVersion
    notes: list[str] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    existing: int = 0
    """Sources, countries and items already in the store, left as they were."""


def read_release(
    kind: ReleaseFormat,
    path: Path,
    *,
    skip_unknown: bool = False,
    mappings: Path = DEFAULT_MAPPINGS,
) -> Intake:
    """Read a release into an Intake (records, problems, notes); writes nothing."""
    intake = Intake(skip_unknown=skip_unknown)
    countries = Countries(mappings)
    if kind is ReleaseFormat.USGS_MCS:
        usgs_mcs.read(
            path, intake=intake, countries=countries, commodities=mcs_commodities(mappings)
        )
    elif kind is ReleaseFormat.COMTRADE:
        comtrade.read(path, intake=intake, countries=countries, codes=hs_items(mappings))
    else:
        baci.read(path, intake=intake, countries=countries, codes=hs_items(mappings))
    return intake


def prepare(*, store: Store, intake: Intake) -> tuple[Batch, int]:
    """The batch to write, or LoadError listing every refused row.

    Sources, countries and items the store already holds are left alone (an import never
    overwrites the dataset's own descriptions); an id the store holds under another label is
    refused.
    """
    problems = list(intake.problems)
    ids = [*intake.wanted, *intake.nodes]
    labels = store.labels_of(ids) if ids else {}
    nodes: list[NodeRecord] = []
    kept = 0
    for record in [*intake.wanted.values(), *intake.nodes.values()]:
        held = labels.get(record.id)
        if held is not None and held is not record.label:
            origin = record.origin
            problems.append(
                Problem(
                    origin.file if origin else "",
                    origin.row if origin else 0,
                    "id",
                    f"'{record.id}' is a {held.value} in the store, not a {record.label.value}",
                )
            )
        elif held is not None and record.id in intake.wanted:
            kept += 1
        else:
            nodes.append(record)
    problems.extend(check_relationships(intake.relationships))
    if problems:
        raise LoadError(sorted(problems, key=lambda p: (p.file, p.row, p.field)))
    return Batch(nodes=nodes, relationships=list(intake.relationships)), kept


def import_release(
    kind: ReleaseFormat,
    path: Path,
    *,
    store: Store,
    batch_size: int,
    skip_unknown: bool = False,
    mappings: Path = DEFAULT_MAPPINGS,
) -> ImportReport:
    intake = read_release(kind, path, skip_unknown=skip_unknown, mappings=mappings)
    store.ensure_schema()
    batch, kept = prepare(store=store, intake=intake)
    store.begin_load(datetime.now(UTC).isoformat(timespec="seconds"))
    with store.transaction():  # all or nothing, as loaders/load.py writes
        summary = write_batch(store=store, batch=batch, batch_size=batch_size)
        version = store.bump_version(datetime.now(UTC).isoformat(timespec="seconds"))
    return ImportReport(summary, version, intake.notes, intake.skipped, kept)
