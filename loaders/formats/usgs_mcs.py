"""Reader for USGS Mineral Commodity Summaries data releases, read exactly as published.

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
from dataclasses import dataclass
from pathlib import Path

from graph.errors import LoadError, Problem
from graph.model import Label, RelType
from graph.records import NodeRecord, Origin, RelRecord, Value, relationship_key
from loaders.formats.release import (
    BadValue,
    Commodity,
    Countries,
    Intake,
    Number,
    csv_rows,
    parse_number,
    read_text,
    slug,
    wrong_format,
)

DOIS = {
    2024: "https://doi.org/10.5066/P144BA54",
    2025: "https://doi.org/10.5066/P13XCP3R",
    2026: "https://doi.org/10.5066/P1WKQ63T",
}
"""Data-release DOIs (SOURCES.md and the domain brief); other editions cite no URL."""

UNIT_CODES = {"t": 1.0, "kt": 1e3, "mt": 1e6, "mmt": 1e6, "kg": 1e-3}
"""Units in 2023/2024 column names (``Prod_kt_2022``), to tonnes."""
UNIT_NAMES = {
    "metric tons": 1.0,
    "metric tons rare-earth-oxide equivalent": 1.0,
    "thousand metric tons": 1e3,
    "million metric tons": 1e6,
    "kilograms": 1e-3,
    "kilogram": 1e-3,
}
"""Units in the 2025 ``UNIT_MEAS`` and 2026 ``Unit`` columns, to tonnes."""

SALIENT_METRICS = {
    "usprod": "US production",
    "imports": "US imports",
    "exports": "US exports",
    "consump": "US apparent consumption",
    "price": "price",
    "employment": "US employment",
    "nir": "US net import reliance",
}
SALIENT_UNITS = {"t": "t", "kt": "kt", "dkg": "USD/kg", "m": "people (mine and mill)"}


@dataclass(frozen=True)
class Figure:
    kind: str
    """production, reserves or salient."""
    country: str
    year: int | None
    number: Number
    unit: float | str
    """A factor to tonnes (production, reserves) or a unit's name (salient)."""
    origin: Origin
    column: str
    notes: str | None = None
    metric: str | None = None


@dataclass(frozen=True)
class Release:
    edition: int
    commodity: Commodity

    @property
    def source(self) -> str:
        return f"usgs-mcs-{self.edition}-{self.commodity.slug}"

    def source_node(self) -> NodeRecord:
        return NodeRecord(
            Label.SOURCE,
            self.source,
            {
                "id": self.source,
                "title": f"Mineral Commodity Summaries {self.edition}: "
                f"{self.commodity.name} (data release)",
                "publisher": "U.S. Geological Survey (USGS), National Minerals Information Center",
                "date": str(self.edition),
                "url": DOIS.get(self.edition),
                "note": "Imported by supplygraph import usgs-mcs from the file as published.",
            },
        )


Rows = list[tuple[int, list[str]]]
Figures = list[Figure]


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
    world_2024 = re.match(r"^mcs(\d{4})-([a-z]+)_(world|salient)\.csv$", name, re.IGNORECASE)
    if world_2024:
        by_slug = {c.file_slug: c for c in commodities.values()}
        if world_2024[2].lower() not in by_slug:
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
        layout: Callable[..., list[tuple[Release, Figures]]] = _salient
    elif "unit_meas" in lower:
        layout = _combined_2025
    elif "mcs chapter" in lower:
        layout = _long_2026
    else:
        layout = _world_2024
    for release, figures in layout(
        name=name, header=lower, rows=body, intake=intake, commodities=commodities, skipped=skipped
    ):
        _emit(release, figures, intake=intake, countries=countries)


def _cells(header: list[str], cells: list[str]) -> dict[str, str]:
    return {h: c.strip() for h, c in zip(header, cells, strict=False) if h}


def _number(intake: Intake, origin: Origin, column: str, text: str) -> Number | None:
    try:
        return parse_number(text)
    except BadValue as e:
        intake.refuse(origin, column, str(e))
        return None


def _edition(name: str, text: str | None, intake: Intake) -> int | None:
    for candidate in (text or "", name):
        found = re.search(r"mcs\s*_?(\d{4})", candidate, re.IGNORECASE)
        if found:
            return int(found[1])
    intake.refuse(Origin(name, 1), "Source", "cannot tell the edition (no MCS<year> in the file)")
    return None


def _commodity(
    commodities: dict[str, Commodity], text: str, skipped: list[str]
) -> Commodity | None:
    found = commodities.get(" ".join(text.split()).casefold())
    if found is None:
        skipped.append(" ".join(text.split()))
    return found


def _world_2024(
    *,
    name: str,
    header: list[str],
    rows: Rows,
    intake: Intake,
    commodities: dict[str, Commodity],
    skipped: list[str],
) -> list[tuple[Release, Figures]]:
    """2023/2024: ``Source,Country,Type,Prod_t_est_2022,...,Reserves_t,Reserves_notes``."""
    match = re.match(r"^mcs(\d{4})-([a-z]+)_", name, re.IGNORECASE)
    first = _cells(header, rows[0][1]) if rows else {}
    commodity = next(
        (c for c in commodities.values() if match and c.file_slug == match[2].lower()), None
    ) or _commodity(commodities, first.get("type", "").split(",")[0], skipped)
    edition = _edition(name, first.get("source"), intake)
    if commodity is None or edition is None:
        return []
    production: list[tuple[str, int, float | None]] = []
    reserves: list[tuple[str, float | None]] = []
    for column in header:
        tokens = column.split("_")
        unit = UNIT_CODES.get(tokens[1]) if len(tokens) > 1 else None
        if tokens[0] == "prod" and tokens[-1].isdigit():
            production.append((column, int(tokens[-1]), unit))
        elif tokens[0] == "reserves" and not tokens[-1].startswith("note"):
            reserves.append((column, unit))
    latest = max((year for _, year, _ in production), default=edition - 1)
    figures: Figures = []
    for line, cells in rows:
        row = _cells(header, cells)
        origin = Origin(name, line)
        country = row.get("country", "")
        for column, year, unit in production:
            figures += _tonnage(
                intake, origin, "production", country, year, row, column, unit, "prod_notes"
            )
        for column, unit in reserves:
            figures += _tonnage(
                intake, origin, "reserves", country, latest, row, column, unit, "reserves_notes"
            )
    return [(Release(edition, commodity), figures)]


def _tonnage(
    intake: Intake,
    origin: Origin,
    kind: str,
    country: str,
    year: int,
    row: dict[str, str],
    column: str,
    unit: float | None,
    notes: str,
) -> Figures:
    number = _number(intake, origin, column, row.get(column, ""))
    if number is None:
        return []
    if unit is None:
        intake.unknown(origin, column, f"unknown unit in the column name '{column}'")
        return []
    if "_est_" in f"_{column}_":
        number = Number(number.value, number.flag, number.bound, True)
    return [Figure(kind, country, year, number, unit, origin, column, row.get(notes) or None)]


def _combined_2025(
    *,
    name: str,
    header: list[str],
    rows: Rows,
    intake: Intake,
    commodities: dict[str, Commodity],
    skipped: list[str],
) -> list[tuple[Release, Figures]]:
    """2025: ``SOURCE,COMMODITY,COUNTRY,TYPE,UNIT_MEAS,PROD_2023,PROD_EST_ 2024,...``."""
    compact = [h.replace(" ", "") for h in header]
    by_release: dict[tuple[int, str], Figures] = defaultdict(list)
    releases: dict[tuple[int, str], Release] = {}
    for line, cells in rows:
        row = _cells(compact, cells)
        origin = Origin(name, line)
        commodity = _commodity(commodities, row.get("commodity", ""), skipped)
        if commodity is None:
            continue
        edition = _edition(name, row.get("source"), intake)
        if edition is None:
            return []
        unit_text = " ".join(row.get("unit_meas", "").split()).casefold()
        unit = UNIT_NAMES.get(unit_text)
        if unit is None:
            intake.unknown(origin, "UNIT_MEAS", f"unknown unit '{row.get('unit_meas', '')}'")
            continue
        releases.setdefault((edition, commodity.slug), Release(edition, commodity))
        figures = by_release[(edition, commodity.slug)]
        country = row.get("country", "")
        for column in compact:
            tokens = column.split("_")
            if tokens[0] == "prod" and tokens[-1].isdigit():
                figures += _tonnage(
                    intake,
                    origin,
                    "production",
                    country,
                    int(tokens[-1]),
                    row,
                    column,
                    unit,
                    "prod_notes",
                )
            elif tokens[0] == "reserves" and tokens[-1].isdigit():
                figures += _tonnage(
                    intake,
                    origin,
                    "reserves",
                    country,
                    int(tokens[-1]),
                    row,
                    column,
                    unit,
                    "reserve_notes",
                )
    return [(releases[key], figures) for key, figures in by_release.items()]


def _long_2026(
    *,
    name: str,
    header: list[str],
    rows: Rows,
    intake: Intake,
    commodities: dict[str, Commodity],
    skipped: list[str],
) -> list[tuple[Release, Figures]]:
    """2026 long format: one figure a row (``Statistics``, ``Unit``, ``Year``, ``Value``)."""
    edition = _edition(name, None, intake)
    if edition is None:
        return []
    by_release: dict[str, Figures] = defaultdict(list)
    releases: dict[str, Release] = {}
    for line, cells in rows:
        row = _cells(header, cells)
        origin = Origin(name, line)
        commodity = _commodity(commodities, row.get("commodity", ""), skipped)
        if commodity is None:
            continue
        releases.setdefault(commodity.slug, Release(edition, commodity))
        number = _number(intake, origin, "Value", row.get("value", ""))
        year_text = row.get("year", "")
        if not re.fullmatch(r"\d{4}e?", year_text):
            intake.refuse(origin, "Year", f"'{year_text}' is not a year")
            continue
        if number is None:
            continue
        if year_text.endswith("e"):
            number = Number(number.value, number.flag, number.bound, True)
        statistic = row.get("statistics", "")
        detail = row.get("statistics_detail", "")
        kind = statistic.casefold()
        if kind in ("mine production", "production", "reserves"):
            unit = UNIT_NAMES.get(" ".join(row.get("unit", "").split()).casefold())
            if unit is None:
                intake.unknown(origin, "Unit", f"unknown unit '{row.get('unit', '')}'")
                continue
            figure_kind = "reserves" if kind == "reserves" else "production"
            by_release[commodity.slug].append(
                Figure(
                    figure_kind,
                    row.get("country", ""),
                    int(year_text[:4]),
                    number,
                    unit,
                    origin,
                    "Value",
                    row.get("notes") or None,
                )
            )
        else:
            metric = f"{statistic}, {detail}" if detail else statistic
            by_release[commodity.slug].append(
                Figure(
                    "salient",
                    row.get("country", ""),
                    int(year_text[:4]),
                    number,
                    row.get("unit", ""),
                    origin,
                    "Value",
                    row.get("notes") or None,
                    metric,
                )
            )
    return [(releases[key], figures) for key, figures in by_release.items()]


def _salient(
    *,
    name: str,
    header: list[str],
    rows: Rows,
    intake: Intake,
    commodities: dict[str, Commodity],
    skipped: list[str],
) -> list[tuple[Release, Figures]]:
    """2023/2024 salient statistics: ``DataSource,Commodity,Year,USprod_Concentrate_t,...``."""
    out: dict[str, tuple[Release, Figures]] = {}
    measures = [h for h in header if h not in ("datasource", "commodity", "year")]
    for line, cells in rows:
        row = _cells(header, cells)
        origin = Origin(name, line)
        commodity = _commodity(commodities, row.get("commodity", ""), skipped)
        edition = _edition(name, row.get("datasource"), intake)
        if commodity is None or edition is None:
            continue
        release, figures = out.setdefault(commodity.slug, (Release(edition, commodity), []))
        year = row.get("year", "")
        if not year.isdigit():
            intake.refuse(origin, "Year", f"'{year}' is not a year")
            continue
        for column in measures:
            tokens = column.split("_")
            metric = SALIENT_METRICS.get(tokens[0])
            unit = SALIENT_UNITS.get(tokens[-1]) if len(tokens) > 1 else None
            if metric is None or unit is None:
                intake.unknown(origin, column, "unknown salient measure (no metric or unit for it)")
                continue
            if tokens[0] == "nir":
                unit = "percent of apparent consumption"
            detail = " ".join(t.replace("-", " and ") for t in tokens[1:-1])
            number = _number(intake, origin, column, row.get(column, ""))
            if number is not None:
                label = f"{metric}, {detail}" if detail else metric
                figures.append(
                    Figure(
                        "salient",
                        "United States",
                        int(year),
                        number,
                        unit,
                        origin,
                        column,
                        metric=label,
                    )
                )
    return list(out.values())


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
