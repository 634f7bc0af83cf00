"""The four USGS MCS layouts, each read into the same ``Figure`` list (see usgs_mcs.py).

2023/2024 world files (year and unit in the column names), 2023/2024 salient statistics, the
2025 combined world file (stray spaces in column names, a unit column) and the 2026 long
format (one figure a row).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from graph.model import Label
from graph.records import NodeRecord, Origin
from loaders.formats.release import BadValue, Commodity, Intake, Number, parse_number

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


def world_2024(
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


def combined_2025(
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


def long_2026(
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


def salient(
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
