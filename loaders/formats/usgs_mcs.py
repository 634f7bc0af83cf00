"""Reader for USGS Mineral Commodity Summaries data releases, read exactly as published.
The layouts are read in usgs_mcs_layouts.py; this module turns their figures into records.

Layouts: 2023/2024 one world CSV per commodity (``mcs2024-raree_world.csv``, year and unit in
the column names) and a salient-statistics CSV per commodity; 2025 one combined
``MCS2025_World_Data.csv`` (stray spaces in column names, a unit column, UTF-8 or cp1252);
2026 one long table (a row per figure). Each becomes the same figures: mine production
(PRODUCES, tonnes, at the mining stage), reserves, world totals and salient statistics
(observations), each citing a Source for the release. Commodities not in
``dataset/mappings/mcs_commodities.csv`` are skipped with a note.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from graph.errors import LoadError, Problem
from graph.model import Label, RelType
from graph.records import NodeRecord, Origin, RelRecord, Value, relationship_key
from loaders.formats.release import (
    Commodity,
    Countries,
    Intake,
    csv_rows,
    read_text,
    slug,
    wrong_format,
)
from loaders.formats.usgs_mcs_layouts import (
    Figure,
    Figures,
    Release,
    Rows,
    combined_2025,
    long_2026,
    salient,
    world_2024,
)


def read(
    path: Path, *, intake: Intake, countries: Countries, commodities: dict[str, Commodity]
) -> None:
    """Read a release file, or every ``*.csv`` of a folder, into ``intake``."""
    if not path.exists():
        raise LoadError([Problem(str(path), 0, "path", "does not exist")])
    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    if not files:
        raise LoadError([Problem(str(path), 0, "path", "holds no .csv files")])
    skipped: list[str] = []
    for file in files:
        _read_file(
            file, intake=intake, countries=countries, commodities=commodities, skipped=skipped
        )
    if skipped:
        intake.notes.append(
            f"{len(skipped)} file(s) or commodities not in dataset/mappings/mcs_commodities.csv "
            f"skipped: {', '.join(sorted(set(skipped))[:10])}{' ...' if len(skipped) > 10 else ''}"
        )


def _read_file(
    file: Path,
    *,
    intake: Intake,
    countries: Countries,
    commodities: dict[str, Commodity],
    skipped: list[str],
) -> None:
    name = file.name
    per_commodity = re.match(r"^mcs(\d{4})-([a-z]+)_(world|salient)\.csv$", name, re.IGNORECASE)
    if per_commodity:
        by_slug = {c.file_slug: c for c in commodities.values()}
        if per_commodity[2].lower() not in by_slug:
            skipped.append(name)
            return
    rows: Rows = [(line, cells) for line, cells in csv_rows(read_text(file)) if any(cells)]
    if not rows:
        raise LoadError([Problem(name, 0, "file", "is empty")])
    header = [" ".join(h.split()) for h in rows[0][1]]
    refusal = wrong_format(name, header, "usgs-mcs")
    if refusal is not None:
        raise refusal
    lower = [h.lower() for h in header]
    body = rows[1:]
    if "datasource" in lower:
        layout: Callable[..., list[tuple[Release, Figures]]] = salient
    elif "unit_meas" in lower:
        layout = combined_2025
    elif "mcs chapter" in lower:
        layout = long_2026
    else:
        layout = world_2024
    for release, figures in layout(
        name=name, header=lower, rows=body, intake=intake, commodities=commodities, skipped=skipped
    ):
        _emit(release, figures, intake=intake, countries=countries)


def _emit(release: Release, figures: Figures, *, intake: Intake, countries: Countries) -> None:
    """Turn one release's figures into records; check world totals against the countries."""
    commodity = release.commodity
    mapping = commodity.mapping
    source = release.source
    intake.want(
        release.source_node(), Origin(figures[0].origin.file, 0) if figures else Origin("", 0)
    )
    withheld = 0
    sums: dict[tuple[str, int], float] = defaultdict(float)
    totals: dict[tuple[str, int], tuple[Figure, float]] = {}
    for figure in figures:
        number = figure.number
        if number.value is None:
            withheld += 1
            continue
        name = " ".join(figure.country.split())
        is_world = name.casefold().startswith("world")
        iso2 = None if is_world else countries.by_name(name)
        if not is_world and iso2 is None:
            intake.unknown(
                figure.origin,
                "Country",
                f"unknown country name '{name}': add it to dataset/mappings/country_aliases.csv",
            )
            continue
        notes = "; ".join(filter(None, [figure.notes, *number.qualifiers()])) or None
        if figure.kind == "salient":
            metric = figure.metric or "figure"
            subject = iso2 or "US"
            intake.want(countries.node(subject), figure.origin)
            _observation(
                intake,
                figure,
                source,
                obs_id=f"obs-{source}-{slug(metric)}-{subject.lower()}-{figure.year}",
                subject=(Label.COUNTRY, subject),
                metric=metric,
                value=number.value,
                unit=str(figure.unit),
                scope=f"{commodity.name}, {metric}",
                note=notes,
            )
            continue
        tonnes = number.value * float(figure.unit)
        assert figure.year is not None
        if is_world:
            totals[(figure.kind, figure.year)] = (figure, tonnes)
            continue
        assert iso2 is not None
        sums[(figure.kind, figure.year)] += tonnes
        intake.want(countries.node(iso2), figure.origin)
        if figure.kind == "production":
            intake.want(mapping.node(source=source, code=None), figure.origin)
            intake.relate(
                RelRecord(
                    RelType.PRODUCES,
                    Label.COUNTRY,
                    iso2,
                    mapping.label,
                    mapping.item,
                    relationship_key(RelType.PRODUCES, iso2, mapping.item, source, figure.year),
                    {
                        "share": None,
                        "tonnes": tonnes,
                        "year": figure.year,
                        "scope": mapping.scope,
                        "source": source,
                        "confidence": "high",
                        "note": notes,
                    },
                    figure.origin,
                )
            )
        else:
            _observation(
                intake,
                figure,
                source,
                obs_id=f"obs-{source}-reserves-{iso2.lower()}-{figure.year}",
                subject=(Label.COUNTRY, iso2),
                metric=f"{commodity.name} reserves",
                value=tonnes,
                unit="t",
                scope=f"reserves, {mapping.scope.split(',')[-1].strip()}",
                note=notes,
            )
    for (kind, year), (figure, total) in sorted(totals.items()):
        added = sums.get((kind, year), 0.0)
        check = (
            f"The country rows add to {added:,.0f} t; the rounded world total is {total:,.0f} t "
            f"(difference {total - added:+,.0f} t)."
        )
        intake.notes.append(f"{source} {kind} {year}: {check}")
        intake.want(mapping.node(source=source, code=None), figure.origin)
        _observation(
            intake,
            figure,
            source,
            obs_id=f"obs-{source}-world-{kind}-{year}",
            subject=(mapping.label, mapping.item),
            metric=f"world {kind} (rounded)",
            value=total,
            unit="t",
            scope=mapping.scope,
            note=" ".join(filter(None, [figure.notes, check])),
        )
    if withheld:
        intake.notes.append(f"{source}: {withheld} cell(s) held no figure (W, NA, XX or E)")


def _observation(
    intake: Intake,
    figure: Figure,
    source: str,
    *,
    obs_id: str,
    subject: tuple[Label, str],
    metric: str,
    value: float,
    unit: str,
    scope: str,
    note: str | None,
) -> None:
    props: dict[str, Value] = {
        "id": obs_id,
        "name": f"{metric} ({subject[1]})",
        "metric": metric,
        "value": value,
        "value_high": None,
        "unit": unit,
        "date": str(figure.year) if figure.year else None,
        "scope": scope,
        "source": source,
        "confidence": "high",
        "note": note,
    }
    intake.node(NodeRecord(Label.OBSERVATION, obs_id, props, figure.origin))
    intake.relate(
        RelRecord(
            RelType.ABOUT,
            Label.OBSERVATION,
            obs_id,
            subject[0],
            subject[1],
            relationship_key(RelType.ABOUT, obs_id, subject[1], source),
            {"source": source, "confidence": "high", "note": None},
            figure.origin,
        )
    )
