"""Small hand-computed supply graphs, written as real dataset CSV files, and the answers
expected of them.

The datasets come first (the arithmetic is in each one's docstring), then ``CHECKS``: one
function per case that asserts the hand-computed numbers on whatever ``solve`` gives it.
The same checks run on the engine alone (tests/unit/engine/test_casebook.py: the files
read and validated with no store) and through each store (tests/conformance/
test_exposure_cases.py: loaded by the real loader, extracted and solved), so the numbers
are written once.

Trade flows are not a dataset file: a case writes them as a CEPII BACI release (its
``t,i,j,k,v,q`` files and country-code file, in BACI's published layout) beside the
dataset, and both runs read it with the real importer (``releases``), as an analyst would
add a BACI year to the bundled dataset.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from graph.engine.answers import SubjectKind
from graph.engine.snapshot import Snapshot
from graph.errors import CycleError, NotFound, QueryError
from graph.model import Label, RelType, Stage
from graph.records import RelRecord, relationship_key
from graph.stores.base import Store
from loaders.importer import ReleaseFormat
from loaders.load import load
from loaders.rows import MODEL_BY_FILE
from loaders.writer import write_records

SOURCE = "src-test"
EXACT = 1e-12
TODAY = date(2026, 6, 1)
"""The clock the checks hand the engine: no answer below depends on it."""

BACI_SOURCE = "cepii-baci-hs22-v202501"
"""The source id the BACI importer gives files named ``BACI_HS22_Y*_V202501.csv``."""
BACI_CODES = {"CN": 156, "DE": 276, "IN": 699, "JP": 392, "MY": 458, "US": 842, "VN": 704}
"""BACI's numeric country codes (ISO 3166 numeric) for the countries the cases trade."""

Solve = Callable[["DatasetWriter"], Snapshot]
"""Write a case, load it (into a store, or not) and solve it. Call it once per check: a
store keeps what it loaded."""


class DatasetWriter:
    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.flows: dict[int, list[tuple[str, str, str, float, float | None]]] = defaultdict(list)
        self.add("sources.csv", id=SOURCE, title="Hand-computed test case")

    def add(self, file: str, **cells: Any) -> DatasetWriter:
        model = MODEL_BY_FILE[file]
        if "source" in model.model_fields and "source" not in cells:
            cells["source"] = SOURCE
        if "confidence" in model.model_fields and "confidence" not in cells:
            cells["confidence"] = "high"
        self.rows[file].append(cells)
        return self

    def countries(self, *codes: str) -> DatasetWriter:
        for code in codes:
            self.add("countries.csv", id=code, name=f"Country {code}")
        return self

    def material(self, node_id: str, stage: str, form: str = "oxide") -> DatasetWriter:
        return self.add("materials.csv", id=node_id, name=node_id, stage=stage, form=form)

    def magnet(self, node_id: str, family: str = "ndfeb", rare_earth: bool = True) -> DatasetWriter:
        return self.add(
            "magnet_types.csv", id=node_id, name=node_id, family=family, rare_earth=rare_earth
        )

    def bom(self, parent: str, child: str, share: float, **extra: Any) -> DatasetWriter:
        return self.add("bom.csv", parent=parent, child=child, share=share, **extra)

    def market(self, item: str, year: int = 2024, **shares: float) -> DatasetWriter:
        for country, share in shares.items():
            self.add(
                "market_shares.csv",
                item=item,
                country=country,
                year=year,
                share=share,
                scope="test",
            )
        return self

    def trade(
        self,
        exporter: str,
        importer: str,
        tonnes: float | None,
        *,
        hs6: str = "850511",
        year: int = 2024,
        thousand_usd: float = 1.0,
    ) -> DatasetWriter:
        """One BACI row: ``tonnes`` None is BACI's ``NA``."""
        self.flows[year].append((exporter, importer, hs6, thousand_usd, tonnes))
        return self

    def write(self, folder: Path) -> Path:
        """The dataset files in ``folder``; trade flows as a BACI release in ``folder/baci``
        (a subfolder, which the dataset reader does not read)."""
        folder.mkdir(parents=True, exist_ok=True)
        if self.flows:
            baci = folder / "baci"
            baci.mkdir()
            for year, flows in self.flows.items():
                with (baci / f"BACI_HS22_Y{year}_V202501.csv").open("w", newline="") as f:
                    out = csv.writer(f)
                    out.writerow(["t", "i", "j", "k", "v", "q"])
                    for exporter, importer, hs6, value, tonnes in flows:
                        out.writerow(
                            [
                                year,
                                BACI_CODES[exporter],
                                BACI_CODES[importer],
                                hs6,
                                value,
                                "NA" if tonnes is None else tonnes,
                            ]
                        )
            with (baci / "country_codes_V202501.csv").open("w", newline="") as f:
                out = csv.writer(f)
                out.writerow(["country_code", "country_name", "country_iso2", "country_iso3"])
                for iso2, code in sorted(BACI_CODES.items()):
                    out.writerow([code, f"Country {iso2}", iso2, ""])
        for file, rows in self.rows.items():
            columns = list(MODEL_BY_FILE[file].model_fields)
            with (folder / file).open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns)
                writer.writeheader()
                for row in rows:
                    writer.writerow({k: _cell(v) for k, v in row.items()})
        return folder


def releases(folder: Path) -> list[tuple[ReleaseFormat, Path]]:
    """The public releases a written case holds, to import after its dataset."""
    baci = folder / "baci"
    return [(ReleaseFormat.BACI, baci)] if baci.is_dir() else []


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value)


def chain() -> DatasetWriter:
    """P -> C -> M -> X (metal) -> O (oxide) -> R (concentrate), every share 1.

    Market: M CN .9 JP .1; O CN .8 MY .2; R CN .6 US .4; X unknown.
    Exposure of P to CN: magnet .9, separation .8, mining .6, metal 0 (basis none).
    """
    d = DatasetWriter().countries("CN", "JP", "MY", "US")
    d.add("products.csv", id="p", name="Product P")
    d.add("components.csv", id="c", name="Component C")
    d.magnet("m").material("x", "metal", "metal").material("o", "separation")
    d.material("r", "mining", "concentrate")
    d.bom("p", "c", 1.0).bom("c", "m", 1.0).bom("m", "x", 1.0).bom("x", "o", 1.0)
    d.bom("o", "r", 1.0)
    d.market("m", CN=0.9, JP=0.1).market("o", CN=0.8, MY=0.2).market("r", CN=0.6, US=0.4)
    return d


def diamond() -> DatasetWriter:
    """P -> A (.7) and P -> B (.3); A -> M (1); B -> M (.5) and B -> F ferrite (.5).

    M: CN .9. Two paths reach CN: .7*.9 = .63 and .3*.5*.9 = .135; magnet share .765.
    """
    d = DatasetWriter().countries("CN", "JP")
    d.add("products.csv", id="p", name="Product P")
    d.add("components.csv", id="a", name="A").add("components.csv", id="b", name="B")
    d.magnet("m").magnet("f", family="ferrite", rare_earth=False)
    d.bom("p", "a", 0.7).bom("p", "b", 0.3).bom("a", "m", 1.0).bom("b", "m", 0.5)
    d.bom("b", "f", 0.5)
    d.market("m", CN=0.9, JP=0.1)
    return d


def two_suppliers() -> DatasetWriter:
    """C gets magnet M from S1 (JP, .6) and S2 (CN, .3); the other .1 from the market.

    Market M: CN .9, JP .1. Magnet stage: CN .3 + .1*.9 = .39 (company .3, market .09),
    JP .6 + .01 = .61; basis mixed. P -> C (1).
    """
    d = DatasetWriter().countries("CN", "JP")
    d.add("products.csv", id="p", name="Product P")
    d.add("components.csv", id="c", name="Component C")
    d.magnet("m")
    d.add("companies.csv", id="s1", name="Supplier One", country="JP", roles="magnet_maker")
    d.add("companies.csv", id="s2", name="Supplier Two", country="CN", roles="magnet_maker")
    d.bom("p", "c", 1.0).bom("c", "m", 1.0)
    d.add("sourcing.csv", consumer="c", item="m", supplier="s1", share=0.6)
    d.add("sourcing.csv", consumer="c", item="m", supplier="s2", share=0.3)
    d.market("m", CN=0.9, JP=0.1)
    return d


def facility_sites() -> DatasetWriter:
    """Company S (HQ JP) makes magnets in VN (300 t) and JP (100 t): weights .75/.25.

    P -> M (1), sourced only from S (share unknown: takes all). Magnet stage VN .75,
    JP .25, basis company; market (CN 1.0) unused.
    """
    d = DatasetWriter().countries("CN", "JP", "VN")
    d.add("products.csv", id="p", name="Product P")
    d.magnet("m")
    d.add("companies.csv", id="s", name="S", country="JP", roles="magnet_maker")
    for fid, country, tonnes in (("s-vn", "VN", 300), ("s-jp", "JP", 100)):
        d.add(
            "facilities.csv",
            id=fid,
            name=fid,
            company="s",
            country=country,
            stage="magnet",
            status="operating",
        )
        d.add(
            "capacities.csv",
            producer=fid,
            item="m",
            tonnes=tonnes,
            year=2024,
            status="actual",
            scope="magnets",
        )
    d.bom("p", "m", 1.0)
    d.add("sourcing.csv", consumer="p", item="m", supplier="s")
    d.market("m", CN=1.0)
    return d


def item_filter() -> DatasetWriter:
    """P1 -> N (NdFeB, 1). P2 -> F (ferrite, 1). P3 -> N (.5), F (.5). N has Dy.

    N: CN .9; F: CN .5. dependents(CN, N) = P1 .9, P3 .45; dependents(CN) = P1 .9,
    P2 .5, P3 .45 + .25 = .7. dependents(CN, Dy) is empty: no material holds Dy, and N's
    bill of materials does not say what share of it is Dy (see element_filter).
    """
    d = DatasetWriter().countries("CN")
    d.add("elements.csv", id="Dy", name="Dysprosium", atomic_number=66, category="heavy")
    for pid in ("p1", "p2", "p3"):
        d.add("products.csv", id=pid, name=pid.upper())
    d.add("magnet_types.csv", id="n", name="N", family="ndfeb", rare_earth=True, elements="Dy")
    d.magnet("f", family="ferrite", rare_earth=False)
    d.bom("p1", "n", 1.0).bom("p2", "f", 1.0).bom("p3", "n", 0.5).bom("p3", "f", 0.5)
    d.market("n", CN=0.9).market("f", CN=0.5)
    return d


def element_filter() -> DatasetWriter:
    """An element filter counts the flow through the materials that hold the element, and
    a magnet only for the element's share of it.

    P -> M (Dy magnet, 1); M -> nd-metal (.9), dy-metal (.1); dy-metal -> dy-oxide (1);
    dy-oxide -> conc (concentrate, 1). Q -> N (a magnet holding Dy, no bill of materials).
    Markets: M CN .94 JP .06; nd-metal CN .5 JP .5; dy-metal CN .9 VN .1; dy-oxide CN .9 MY .1;
    conc CN .7 US .3; N CN .8.
    Through Dy, P: magnet .1 * .94 = .094 (the Dy share of M made in CN); metal .1 * .9 =
    .09; separation .1 * .9 = .09; mining .1 * .7 = .07. Highest: .094 at the magnet
    stage (before: .94, the whole magnet). Q: nothing (N's Dy share is not known; before:
    .8). Through JP: only M's magnet step, .1 * .06 = .006. Through M (an item, not an
    element): P .94 (metal .9 * .5 + .1 * .9 = .54 is lower). Unfiltered: P .94, Q .8.
    """
    d = DatasetWriter().countries("CN", "JP", "MY", "US", "VN")
    for element, number in (("Dy", 66), ("Nd", 60)):
        d.add("elements.csv", id=element, name=element, atomic_number=number, category="heavy")
    d.add("products.csv", id="p", name="P").add("products.csv", id="q", name="Q")
    d.add("magnet_types.csv", id="m", name="M", family="ndfeb", rare_earth=True, elements="Dy;Nd")
    d.add("magnet_types.csv", id="n", name="N", family="ndfeb", rare_earth=True, elements="Dy")
    for mid, stage, form, element in (
        ("nd-metal", "metal", "metal", "Nd"),
        ("dy-metal", "metal", "metal", "Dy"),
        ("dy-oxide", "separation", "oxide", "Dy"),
        ("conc", "mining", "concentrate", "Dy;Nd"),
    ):
        d.add("materials.csv", id=mid, name=mid, stage=stage, form=form, elements=element)
    d.bom("p", "m", 1.0).bom("q", "n", 1.0).bom("m", "nd-metal", 0.9).bom("m", "dy-metal", 0.1)
    d.bom("dy-metal", "dy-oxide", 1.0).bom("dy-oxide", "conc", 1.0)
    d.market("m", CN=0.94, JP=0.06).market("nd-metal", CN=0.5, JP=0.5)
    d.market("dy-metal", CN=0.9, VN=0.1)
    d.market("dy-oxide", CN=0.9, MY=0.1).market("conc", CN=0.7, US=0.3).market("n", CN=0.8)
    return d


def cycle() -> DatasetWriter:
    """Material A made from B and B made from A (recycling loop): the engine refuses."""
    d = DatasetWriter().countries("CN")
    d.add("products.csv", id="p", name="P")
    d.magnet("m").material("a", "metal", "metal").material("b", "metal", "alloy")
    d.bom("p", "m", 1.0).bom("m", "a", 1.0).bom("a", "b", 0.5).bom("b", "a", 0.5)
    d.market("a", CN=1.0)
    return d


def load_cycle(store: Store, folder: Path) -> None:
    """Put cycle() into ``store``. The loader refuses a supply cycle, so the row closing it
    (b -> a) is written through the store directly, as another tool could have written it."""
    d = cycle()
    closing = d.rows["bom.csv"].pop()
    load(store=store, path=str(d.write(folder)))
    key = relationship_key(RelType.MADE_FROM, closing["parent"], closing["child"], SOURCE, "")
    rel = RelRecord(
        RelType.MADE_FROM,
        Label.MATERIAL,
        closing["parent"],
        Label.MATERIAL,
        closing["child"],
        key,
        {"share": closing["share"], "source": SOURCE, "confidence": "high"},
    )
    write_records(store=store, nodes=[], relationships=[rel], batch_size=1)


def export_control() -> DatasetWriter:
    """P (OEM O, HQ IN, automotive) -> M (1); M -> dy-oxide (.2); dy-oxide -> conc (1).

    Markets: M CN .5 JP .5; dy-oxide CN .9 JP .1; conc CN 1. Control X (CN, Dy, effective
    2025-04-04) reaches dy-oxide only (an oxide; not the concentrate, not the magnet).
    Controlled fraction A: dy-oxide .9; M = .2 * .9 = .18; P = .18. Approval .25:
    shortfall .135. IN holds 6-8 weeks of M for automotive: stock-out after 6/.135 = 44.44
    and 8/.135 = 59.26 weeks. IN imports 100 t of M: 100 * .18 * .75 = 13.5 t short.
    Control Y covers Dy too but is suspended from 2025-11-10 until 2026-11-10: on
    2026-11-10 it binds again, and stock (shortfall .18) runs out 6/.18 and 8/.18 weeks
    (233 and 311 days) after that day, 2027-07-01 and 2027-09-17; counted from its
    effective day 2025-10-09 (as before) it would be 2026-05-30, a year early.
    Control Z covers Dy from "2025-04", a month only: in force from 2025-04-01.
    """
    d = DatasetWriter().countries("CN", "JP", "IN")
    d.add("elements.csv", id="Dy", name="Dysprosium", atomic_number=66, category="heavy")
    d.add("products.csv", id="p", name="P", oem="o")
    d.add("companies.csv", id="o", name="O", country="IN", roles="oem")
    d.add("end_uses.csv", id="auto", name="Automotive")
    d.add("end_use_links.csv", item="p", end_use="auto")
    d.add("magnet_types.csv", id="m", name="M", family="ndfeb", rare_earth=True, elements="Dy")
    d.add(
        "materials.csv",
        id="dy-oxide",
        name="Dy oxide",
        stage="separation",
        form="oxide",
        elements="Dy",
    )
    d.add(
        "materials.csv",
        id="conc",
        name="Concentrate",
        stage="mining",
        form="concentrate",
        elements="Dy",
    )
    d.bom("p", "m", 1.0).bom("m", "dy-oxide", 0.2).bom("dy-oxide", "conc", 1.0)
    d.market("m", CN=0.5, JP=0.5).market("dy-oxide", CN=0.9, JP=0.1).market("conc", CN=1.0)
    d.add(
        "export_controls.csv",
        id="x",
        name="X",
        issuer="CN",
        announced="2025-04-04",
        effective="2025-04-04",
        status="in_force",
    )
    d.add(
        "export_controls.csv",
        id="y",
        name="Y",
        issuer="CN",
        announced="2025-10-09",
        effective="2025-10-09",
        suspended_from="2025-11-10",
        suspended_until="2026-11-10",
        status="suspended",
    )
    d.add(
        "export_controls.csv",
        id="z",
        name="Z",
        issuer="CN",
        announced="2025-04",
        effective="2025-04",
        status="in_force",
    )
    for control in ("x", "y", "z"):
        d.add("control_items.csv", control=control, item="Dy")
    d.add(
        "inventory.csv",
        holder="IN",
        item="m",
        end_use="auto",
        weeks=6,
        weeks_high=8,
        as_of="2025-06",
        scope="magnets",
    )
    d.add(
        "consumption.csv",
        consumer="IN",
        item="m",
        tonnes=100,
        year=2024,
        kind="import",
        scope="magnets",
    )
    return d


def control_acts() -> DatasetWriter:
    """export_control, plus: M gets half its dy-oxide from company S (HQ CN), and control
    W (CN, Dy, effective 2025-04-04) with its acts: amended 2025-09-01; a general licence
    to S from 2025-12-02 until 2026-12-02; suspended from 2026-01-10 until 2026-11-10
    (issued 2026-01-05); the suspension extended on 2026-10-01 until 2027-11-10; lifted
    2028-01-01.

    Controlled fraction of P: .2 * (.5 * 1 (S, in CN) + .5 * .9 (market)) = .19; with S
    licensed, .2 * .5 * .9 = .09.
    2025-06-01 in force, no act. 2025-12-15 in force as amended (a1), S licensed: .09.
    2026-02-01 suspended until 2026-11-10 (s1, as known then); binds again 2027-11-10 (the
    extension, issued later, counts for the day it binds again). 2026-10-15 suspended
    until 2027-11-10 (e1). 2027-12-01 in force again since 2027-11-10, licence over: .19.
    2028-02-01 lifted (l1): never again.
    """
    d = export_control()
    d.add("companies.csv", id="s", name="S", country="CN", roles="separator")
    d.add("sourcing.csv", consumer="m", item="dy-oxide", supplier="s", share=0.5)
    d.add(
        "export_controls.csv",
        id="w",
        name="W",
        issuer="CN",
        announced="2025-04-04",
        effective="2025-04-04",
        status="in_force",
    )
    d.add("control_items.csv", control="w", item="Dy")
    for act_id, kind, issued, start, until, exporter in (
        ("a1", "amend", "2025-09-01", "", "", ""),
        ("gl", "general_licence", "2025-12-02", "2025-12-02", "2026-12-02", "s"),
        ("s1", "suspend", "2026-01-05", "2026-01-10", "2026-11-10", ""),
        ("e1", "extend", "2026-10-01", "", "2027-11-10", ""),
        ("l1", "lift", "2028-01-01", "", "", ""),
    ):
        d.add(
            "control_acts.csv",
            id=act_id,
            name=act_id.upper(),
            control="w",
            kind=kind,
            issued=issued,
            start=start,
            until=until,
            exporter=exporter,
        )
    return d


def concentration() -> DatasetWriter:
    """Item M: 2024 set CN .9 JP .1 (HHI 8,200, flagged); 2023 set CN .6 JP .3 US .1
    (HHI 4,600, top3 1.0, not flagged at .65); ZZ .05 in 2022 is left out of the shares."""
    d = DatasetWriter().countries("CN", "JP", "US", "ZZ")
    d.magnet("m")
    d.market("m", 2024, CN=0.9, JP=0.1).market("m", 2023, CN=0.6, JP=0.3, US=0.1)
    d.market("m", 2022, CN=0.6, ZZ=0.05)
    return d


def trade_mix() -> DatasetWriter:
    """Four OEMs (IN, JP, US, DE) each make a product P-xx -> magnet M (1) -> metal X (1),
    no supplier named for M. M's HS code is 8505.11; world M in tonnes: CN 9,000, JP 1,000
    (shares .9/.1); X: CN .7, JP .3. BACI 2024 flows of 8505.11 (tonnes):

    - into IN: CN 600, JP 300, VN 100. VN makes no magnets (a re-export), VN's own
      imports: JP 40, CN 10 (JP .8, CN .2). IN: CN .6 + .1*.2 = .62; JP .3 + .1*.8 = .38.
      Left out: CN -> IN 5,000 t in 2023 (not the latest year) and 50,000 t of 8505.19
      (ferrite, another item).
    - into JP: CN 1,000, plus JP's own output 1,000: JP .5, CN .5.
    - into US: CN 80, MY 20. MY makes none and has no trade data: its part is traced
      through the world mix. US: CN .8 + .2*.9 = .98; JP .02.
    - DE has no trade data: the world mix, CN .9, JP .1, basis market.

    Below M, M's maker is unknown, so X is the world's: CN .7, basis market, for all.
    """
    d = DatasetWriter().countries("CN", "DE", "IN", "JP", "MY", "US", "VN")
    d.add("magnet_types.csv", id="m", name="M", family="ndfeb", rare_earth=True, hs_code="8505.11")
    d.material("x", "metal", "metal")
    d.bom("m", "x", 1.0)
    for country in ("IN", "JP", "US", "DE"):
        oem, product = f"o-{country.lower()}", f"p-{country.lower()}"
        d.add("companies.csv", id=oem, name=f"OEM {country}", country=country, roles="oem")
        d.add("products.csv", id=product, name=f"Product {country}", oem=oem)
        d.bom(product, "m", 1.0)
    for country, tonnes in (("CN", 9000), ("JP", 1000)):
        d.add(
            "market_shares.csv",
            item="m",
            country=country,
            year=2024,
            tonnes=tonnes,
            scope="magnets",
        )
    d.market("x", CN=0.7, JP=0.3)
    d.trade("CN", "IN", 600).trade("JP", "IN", 300).trade("VN", "IN", 100)
    d.trade("JP", "VN", 40).trade("CN", "VN", 10)
    d.trade("CN", "JP", 1000)
    d.trade("CN", "US", 80).trade("MY", "US", 20)
    d.trade("CN", "IN", 5000, year=2023)
    d.trade("CN", "IN", 50000, hs6="850519")
    return d


# -- the expected answers ------------------------------------------------------------------


def mitigation() -> DatasetWriter:
    """P -> M (1); M on the market CN .9, JP .1; P's OEM O uses 100 t of M a year.

    Alternatives at the magnet stage: S1 (plant in JP, 30 t, share of CN 0, gain .9 a unit
    moved) and S2 (plants in MY 300 t and CN 100 t: CN .25, gain .65; capacity 400 t, of
    which Q's 360 t a year (its OEM OQ's) through its link to S2 are assigned: 40 t spare).
    Target .7: move .2/.9 of P's M, 22.2 t, to S1; nothing binds.
    Target .5: S1 full (30 t, -.27), then .13/.65 = .2 (20 t) to S2: 50 t; S1 binds.
    Target .1: both full, 30 t and 40 t: .9 - .27 - .26 = .37 is the lowest reachable.
    """
    d = DatasetWriter().countries("CN", "JP", "MY")
    d.add("companies.csv", id="o", name="O", country="JP", roles="oem")
    d.add("companies.csv", id="oq", name="OQ", country="JP", roles="oem")
    d.add("products.csv", id="p", name="Product P", oem="o")
    d.add("products.csv", id="q", name="Q", oem="oq")
    d.magnet("m").bom("p", "m", 1.0).bom("q", "m", 1.0).market("m", CN=0.9, JP=0.1)
    d.add("companies.csv", id="s1", name="S1", country="JP", roles="magnet_maker")
    d.add("companies.csv", id="s2", name="S2", country="MY", roles="magnet_maker")
    for fid, company, country, tonnes in (
        ("s1-jp", "s1", "JP", 30),
        ("s2-my", "s2", "MY", 300),
        ("s2-cn", "s2", "CN", 100),
    ):
        d.add(
            "facilities.csv",
            id=fid,
            name=fid,
            company=company,
            country=country,
            stage="magnet",
            status="operating",
        )
        d.add(
            "capacities.csv",
            producer=fid,
            item="m",
            tonnes=tonnes,
            year=2024,
            status="capacity",
            scope="magnets",
        )
    d.add("sourcing.csv", consumer="q", item="m", supplier="s2")
    for consumer, tonnes in (("o", 100), ("oq", 360)):
        d.add(
            "consumption.csv",
            consumer=consumer,
            item="m",
            tonnes=tonnes,
            year=2024,
            kind="actual",
            scope="magnets a year",
        )
    return d


def _site(d: DatasetWriter, company: str, country: str, stage: str, tonnes: float = 0) -> None:
    """A company headquartered in ``country`` with one operating plant there at ``stage``
    (with its capacity in tonnes of the stage's item when ``tonnes`` is given)."""
    role = "magnet_maker" if stage == "magnet" else f"{stage}_maker"
    d.add("companies.csv", id=company, name=company.upper(), country=country, roles=role)
    _plant(d, company, f"{company}-plant", f"{company} plant", country, stage, tonnes)


def _plant(
    d: DatasetWriter,
    company: str,
    plant: str,
    name: str,
    country: str,
    stage: str,
    tonnes: float = 0,
) -> None:
    """An operating plant ``plant`` of ``company`` in ``country`` at ``stage``, with its
    capacity in tonnes of magnet M when ``tonnes`` is given."""
    d.add(
        "facilities.csv",
        id=plant,
        name=name,
        company=company,
        country=country,
        stage=stage,
        status="operating",
    )
    if tonnes:
        d.add(
            "capacities.csv",
            producer=plant,
            item="m",
            tonnes=tonnes,
            year=2024,
            status="capacity",
            scope="magnets",
        )


def extraterritorial() -> DatasetWriter:
    """Magnet M (made from metal X, share 1) and control T (CN, effective 2025-10-09,
    suspended 2025-11-10 until 2026-11-10): X as made in CN, and M of reach
    ``extraterritorial`` (de minimis 0.001, the default). Control U: M abroad at 0.0001.

    Metal makers: CM (plant in CN), JM (JP). Magnet makers: F1 (JP) buys .002 of its X from
    CM and .998 from JM; F2 (DE) .0005 from CM and .9995 from JM. Markets: M CN .5 JP .5;
    X CN .9 JP .1. P1 buys M from F1, P2 from F2, P3 on the market.
    Issuer part of the inputs u: F1 .002 (at least .001: its M is covered, b = 1, A = 1);
    F2 .0005 (under: b = 0, A = .0005 * 1 = .0005); the M market .9 (its JP half covered:
    A = .5 + .5 * .9 = .95). So P1 1, P3 .95, P2 .0005; with X alone (no reach abroad)
    P1 .002, P2 .0005, P3 .9. Under U's 0.0001, F2 is covered too: P2 1.
    """
    d = DatasetWriter().countries("CN", "JP", "DE")
    d.material("x", "metal", form="metal")
    d.magnet("m").bom("m", "x", 1.0).market("m", CN=0.5, JP=0.5).market("x", CN=0.9, JP=0.1)
    for company, country, stage in (
        ("cm", "CN", "metal"),
        ("jm", "JP", "metal"),
        ("f1", "JP", "magnet"),
        ("f2", "DE", "magnet"),
    ):
        _site(d, company, country, stage)
    for product, supplier in (("p1", "f1"), ("p2", "f2"), ("p3", None)):
        d.add("products.csv", id=product, name=product.upper())
        d.bom(product, "m", 1.0)
        if supplier:
            d.add("sourcing.csv", consumer=product, item="m", supplier=supplier)
    for maker, chinese in (("f1", 0.002), ("f2", 0.0005)):
        d.add("sourcing.csv", consumer=maker, item="x", supplier="cm", share=chinese)
        d.add("sourcing.csv", consumer=maker, item="x", supplier="jm", share=1 - chinese)
    d.add(
        "export_controls.csv",
        id="t",
        name="T",
        issuer="CN",
        announced="2025-10-09",
        effective="2025-10-09",
        suspended_from="2025-11-10",
        suspended_until="2026-11-10",
        status="suspended",
    )
    d.add("export_controls.csv", id="u", name="U", issuer="CN", announced="2025", status="in_force")
    d.add("control_items.csv", control="t", item="x")
    d.add("control_items.csv", control="t", item="m", reach="extraterritorial")
    d.add("control_items.csv", control="u", item="m", reach="extraterritorial", de_minimis=0.0001)
    return d


def priced_mitigation() -> DatasetWriter:
    """P (OEM O, 100 t of M a year) buys all its M from C (plant in CN, USD 50/kg): CN 1.0
    at the magnet stage. Alternatives: S1 (JP, 100 t, USD 80/kg; gain 1 a unit moved) and
    S2 (MY 75 t and CN 25 t: CN .25, gain .75; USD 56/kg).
    Target .7 (a cut of .3): least supply is .3 to S1, 30 t, costing 30,000 kg x 30 = USD
    900,000 a year; least cost is .3/.75 = .4 to S2, 40 t, 40,000 kg x 6 = USD 240,000 (per
    unit of cut S1 costs 30, S2 8). Without O's tonnes, in shares: .4 x 6 = USD 2.4 per kg
    of P's magnet supply. Without S1's price: back to the least supply, .3 to S1.
    """
    d = DatasetWriter().countries("CN", "JP", "MY")
    d.add("companies.csv", id="o", name="O", country="JP", roles="oem")
    d.add("products.csv", id="p", name="Product P", oem="o")
    d.magnet("m").bom("p", "m", 1.0).market("m", CN=0.9, JP=0.1)
    _site(d, "c", "CN", "magnet", 1000)
    _site(d, "s1", "JP", "magnet", 100)
    _site(d, "s2", "MY", "magnet", 75)
    _plant(d, "s2", "s2-cn", "s2 CN plant", "CN", "magnet", 25)
    d.add("sourcing.csv", consumer="p", item="m", supplier="c")
    d.add(
        "consumption.csv",
        consumer="o",
        item="m",
        tonnes=100,
        year=2024,
        kind="actual",
        scope="magnets a year",
    )
    for company, usd in (("c", 50), ("s1", 80), ("s2", 56)):
        d.add("prices.csv", company=company, item="m", usd_per_kg=usd, year=2025)
    return d


def _without(d: DatasetWriter, file: str, **match: Any) -> DatasetWriter:
    d.rows[file] = [r for r in d.rows[file] if any(r.get(k) != v for k, v in match.items())]
    return d


def _stages(snapshot: Snapshot, item: str, country: str) -> dict[str, tuple[float, str]]:
    answer = snapshot.exposure(item, country)
    return {s.stage.value: (s.share, s.basis) for s in answer.stages}


def chain_multiplies_nothing_but_ones(solve: Solve) -> None:
    snapshot = solve(chain())
    answer = snapshot.exposure("p", "CN")
    stages = {s.stage.value: s for s in answer.stages}
    assert stages["magnet"].share == pytest.approx(0.9, abs=EXACT)
    assert stages["separation"].share == pytest.approx(0.8, abs=EXACT)
    assert stages["mining"].share == pytest.approx(0.6, abs=EXACT)
    assert stages["metal"].share == 0.0 and stages["metal"].basis == "none"
    assert stages["metal"].coverage == 0.0
    assert stages["magnet"].basis == "market" and stages["magnet"].coverage == pytest.approx(1.0)
    assert answer.share == pytest.approx(0.9, abs=EXACT)
    assert answer.stage is not None and answer.stage.value == "magnet"
    assert [step.item.id for step in answer.paths[0].steps] == ["p", "c", "m"]
    assert [s.id for s in answer.sources] == [SOURCE]


def diamond_adds_both_paths(solve: Solve) -> None:
    snapshot = solve(diamond())
    answer = snapshot.exposure("p", "CN")
    assert answer.share == pytest.approx(0.7 * 0.9 + 0.3 * 0.5 * 0.9, abs=EXACT)
    weights = sorted(round(p.share, 12) for p in answer.paths)
    assert weights == [round(0.3 * 0.5 * 0.9, 12), round(0.7 * 0.9, 12)]
    assert {tuple(s.item.id for s in p.steps) for p in answer.paths} == {
        ("p", "a", "m"),
        ("p", "b", "m"),
    }


def two_suppliers_and_the_market_remainder(solve: Solve) -> None:
    snapshot = solve(two_suppliers())
    cn = {s.stage.value: s for s in snapshot.exposure("p", "CN").stages}["magnet"]
    jp = {s.stage.value: s for s in snapshot.exposure("p", "JP").stages}["magnet"]
    assert cn.share == pytest.approx(0.39, abs=EXACT)
    assert cn.company_share == pytest.approx(0.3, abs=EXACT)
    assert cn.market_share == pytest.approx(0.09, abs=EXACT)
    assert jp.share == pytest.approx(0.61, abs=EXACT)
    assert cn.basis == "mixed"
    suppliers = {
        p.steps[-1].supplier.id if p.steps[-1].supplier else None
        for p in snapshot.exposure("p", "JP").paths
    }
    assert suppliers == {"s1", None}


def facility_tonnes_weight_a_company_s_countries(solve: Solve) -> None:
    snapshot = solve(facility_sites())
    assert _stages(snapshot, "p", "VN")["magnet"] == (pytest.approx(0.75, abs=EXACT), "company")
    assert _stages(snapshot, "p", "JP")["magnet"] == (pytest.approx(0.25, abs=EXACT), "company")
    assert _stages(snapshot, "p", "CN")["magnet"][0] == 0.0


def market_shares_stand_in_without_company_links(solve: Solve) -> None:
    snapshot = solve(chain())
    assert {s.basis for s in snapshot.exposure("p", "US").stages if s.share > 0} == {"market"}
    assert _stages(snapshot, "p", "US")["mining"][0] == pytest.approx(0.4, abs=EXACT)


def dependents_filtered_by_item_and_element(solve: Solve) -> None:
    snapshot = solve(item_filter())
    by_item = [(d.subject.id, round(d.share, 12)) for d in snapshot.dependents("CN", "n")]
    assert by_item == [("p1", 0.9), ("p3", 0.45)]
    assert snapshot.dependents("CN", "Dy") == []
    everything = [(d.subject.id, round(d.share, 12)) for d in snapshot.dependents("CN")]
    assert everything == [("p1", 0.9), ("p3", 0.7), ("p2", 0.5)]
    uses = snapshot.dependents("CN", kind=SubjectKind.OEM)
    assert uses == []


def an_element_filter_follows_the_materials_that_hold_it(solve: Solve) -> None:
    snapshot = solve(element_filter())
    [dy] = snapshot.dependents("CN", "Dy")
    assert (dy.subject.id, dy.stage.value, dy.basis) == ("p", "magnet", "market")
    assert dy.share == pytest.approx(0.094, abs=EXACT)
    [table] = [t for named, t in snapshot.stage_table("Dy") if named.id == "p"]
    cn = snapshot.countries.index("CN")
    assert [round(float(x), 12) for x in table[:, cn]] == [0.07, 0.09, 0.09, 0.094, 0.0]
    [jp] = snapshot.dependents("JP", "Dy")
    assert jp.share == pytest.approx(0.006, abs=EXACT)
    [whole] = snapshot.dependents("CN", "m")
    assert whole.share == pytest.approx(0.94, abs=EXACT)
    everything = [(d.subject.id, round(d.share, 12)) for d in snapshot.dependents("CN")]
    assert everything == [("p", 0.94), ("q", 0.8)]


def a_cycle_is_refused_with_the_nodes_involved(snapshot: Snapshot) -> None:
    """On a graph holding cycle() (which the loader refuses, so it arrives another way):
    questions that propagate are refused; concentration needs only market shares."""
    with pytest.raises(CycleError) as caught:
        snapshot.exposure("p", "CN")
    assert caught.value.cycles == [["a", "b"]]
    with pytest.raises(CycleError):
        snapshot.dependents("CN")
    [a] = snapshot.concentration(item="a")
    assert (a.top1, a.hhi, a.flagged) == (1.0, pytest.approx(10000.0), True)


def unknown_ids_are_not_found(solve: Solve) -> None:
    snapshot = solve(chain())
    none = snapshot.exposure("p", "CN", paths=0)
    assert none.paths == () and none.share == pytest.approx(0.9, abs=EXACT)
    with pytest.raises(QueryError, match="paths must be between 0 and 50, got 51"):
        snapshot.exposure("p", "CN", paths=51)
    with pytest.raises(NotFound, match="no country 'XX'"):
        snapshot.exposure("p", "XX")
    with pytest.raises(NotFound, match="'nothing'"):
        snapshot.exposure("nothing", "CN")
    with pytest.raises(NotFound, match="'nothing'"):
        snapshot.dependents("CN", "nothing")


def export_control_shortfall_stock_and_volumes(solve: Solve) -> None:
    snapshot = solve(export_control())
    answer = snapshot.scenario(
        today=TODAY, control="x", approval_rate=0.25, duration_weeks=52, as_of=date(2025, 6, 1)
    )
    assert answer.in_force and answer.status == "in force"
    by_oem = snapshot.exposure("o", "CN")
    assert [p.id for p in by_oem.products] == ["p"]
    assert by_oem.share == pytest.approx(snapshot.exposure("p", "CN").share, abs=EXACT)
    [oem] = snapshot.dependents("CN", kind=SubjectKind.OEM)
    assert (oem.subject.id, [p.id for p in oem.products]) == ("o", ["p"])
    [use] = snapshot.dependents("CN", "Dy", kind=SubjectKind.END_USE)
    assert use.subject.id == "auto" and use.share == pytest.approx(0.2, abs=EXACT)
    assert use.stage.value == "mining"  # .2 of M is Dy oxide, separated from CN ore
    assert [c.id for c in answer.covered] == ["dy-oxide"]
    [impact] = answer.products
    assert impact.controlled == pytest.approx(0.18, abs=EXACT)
    assert impact.shortfall == pytest.approx(0.135, abs=EXACT)
    assert impact.cover_weeks == (6.0, 8.0)
    assert impact.weeks_to_stockout == (pytest.approx(6 / 0.135), pytest.approx(8 / 0.135))
    assert impact.stockout_dates == ("2026-02-09", "2026-05-24")  # start + 311 and 415 days
    assert impact.runs_out_within_duration is True
    assert [(g.entity.id, g.products) for g in answer.oems] == [("o", 1)]
    [volume] = answer.volumes
    assert volume.shortfall_tonnes == pytest.approx(13.5, abs=1e-9)


def a_suspended_control_blocks_nothing_until_the_suspension_ends(solve: Solve) -> None:
    snapshot = solve(export_control())
    during = snapshot.scenario(today=TODAY, control="y", as_of=date(2026, 1, 1))
    assert not during.in_force and during.status == "suspended until 2026-11-10"
    assert during.products == () and during.volumes == ()
    assert during.counted_from == "2026-11-10"
    after = snapshot.scenario(today=TODAY, control="y", as_of=date(2026, 11, 10))
    assert after.in_force
    assert after.products[0].shortfall == pytest.approx(0.18, abs=EXACT)


def stock_runs_out_counted_from_the_day_the_control_binds_again(solve: Solve) -> None:
    snapshot = solve(export_control())
    after = snapshot.scenario(today=TODAY, control="y", as_of=date(2026, 12, 1))
    assert after.in_force and after.start == "2025-10-09"
    assert after.counted_from == "2026-11-10"
    [impact] = after.products
    assert impact.stockout_dates == ("2027-07-01", "2027-09-17")
    on_x = snapshot.scenario(today=TODAY, control="x", as_of=date(2025, 6, 1))
    assert on_x.counted_from == "2025-04-04"  # in force without a break since its start


def a_month_means_its_first_day(solve: Solve) -> None:
    snapshot = solve(export_control())
    for today in (date(2025, 3, 1), TODAY):
        answer = snapshot.scenario(today=today, control="z")
        assert (answer.start, answer.in_force, answer.counted_from) == (
            "2025-04-01",
            True,
            "2025-04-01",
        )
    before = snapshot.scenario(today=TODAY, control="z", as_of=date(2025, 3, 31))
    assert not before.in_force and before.counted_from == "2025-04-01"
    [z] = [c for c in snapshot.controls(as_of=date(2025, 4, 1)) if c.control.id == "z"]
    assert (z.in_force, z.state, z.act) == (True, "in_force", None)


def custom_controls_and_bad_arguments(solve: Solve) -> None:
    snapshot = solve(export_control())
    custom = snapshot.scenario(
        today=TODAY, issuer="CN", items=["m"], approval_rate=0.5, start=date(2025, 4, 4)
    )
    assert custom.control is None
    assert custom.products[0].controlled == pytest.approx(0.5 + 0.5 * 0.2 * 0.0, abs=EXACT)
    assert custom.products[0].shortfall == pytest.approx(0.25, abs=EXACT)
    with pytest.raises(QueryError, match="approvalRate"):
        snapshot.scenario(today=TODAY, control="x", approval_rate=1.5)
    with pytest.raises(NotFound, match="'nope'"):
        snapshot.scenario(today=TODAY, control="nope")


def status_follows_the_acts_in_force_on_the_day(solve: Solve) -> None:
    snapshot = solve(control_acts())

    def on(day: date) -> Any:
        return snapshot.scenario(today=TODAY, control="w", as_of=day)

    first = on(date(2025, 6, 1))
    assert (first.in_force, first.act, first.licensed) == (True, None, ())
    assert first.products[0].controlled == pytest.approx(0.19, abs=EXACT)
    licensed = on(date(2025, 12, 15))
    assert licensed.act is not None and licensed.act.id == "a1"
    assert [x.id for x in licensed.licensed] == ["s"]
    assert licensed.products[0].controlled == pytest.approx(0.09, abs=EXACT)
    suspended = on(date(2026, 2, 1))
    assert (suspended.in_force, suspended.status) == (False, "suspended until 2026-11-10")
    assert suspended.act is not None and suspended.act.id == "s1"
    assert suspended.counted_from == "2027-11-10" and suspended.products == ()
    extended = on(date(2026, 10, 15))
    assert extended.status == "suspended until 2027-11-10"
    assert extended.act is not None and extended.act.id == "e1"
    again = on(date(2027, 12, 1))
    assert again.in_force and again.counted_from == "2027-11-10" and again.licensed == ()
    assert again.products[0].controlled == pytest.approx(0.19, abs=EXACT)
    lifted = on(date(2028, 2, 1))
    assert (lifted.in_force, lifted.status, lifted.counted_from) == (
        False,
        "lifted on 2028-01-01",
        None,
    )
    [w] = [c for c in snapshot.controls(as_of=date(2025, 12, 15)) if c.control.id == "w"]
    assert (w.state, w.in_force_from) == ("in_force", "2025-04-04")
    assert [(x.id, x.exporter.id if x.exporter else None) for x in w.licences] == [("gl", "s")]
    assert [a.id for a in w.acts] == ["a1", "gl", "s1", "e1", "l1"]
    [y] = [c for c in snapshot.controls(as_of=date(2026, 1, 1)) if c.control.id == "y"]
    assert (y.state, y.in_force_from) == ("suspended", "2026-11-10")


def concentration_by_year_with_hhi_and_flag(solve: Solve) -> None:
    snapshot = solve(concentration())
    [latest] = snapshot.concentration(item="m")
    assert latest.year == 2024
    assert latest.hhi == pytest.approx(8200.0)
    assert (latest.top1, latest.top3, latest.flagged) == (0.9, pytest.approx(1.0), True)
    [older] = snapshot.concentration(item="m", year=2023)
    assert older.hhi == pytest.approx(4600.0) and older.top3 == pytest.approx(1.0)
    assert not older.flagged
    assert snapshot.concentration(item="m", year=2023, threshold=0.5)[0].flagged
    [partial] = snapshot.concentration(item="m", year=2022)
    assert [(s.country, s.share) for s in partial.shares] == [("CN", 0.6)]
    assert partial.coverage == pytest.approx(0.6)


def _magnet(snapshot: Snapshot, subject: str, country: str) -> Any:
    return {s.stage.value: s for s in snapshot.exposure(subject, country).stages}["magnet"]


def an_indian_oem_gets_india_s_import_mix_at_the_magnet_stage(solve: Solve) -> None:
    snapshot = solve(trade_mix())
    cn, jp = _magnet(snapshot, "p-in", "CN"), _magnet(snapshot, "p-in", "JP")
    assert cn.share == pytest.approx(0.62, abs=EXACT)
    assert (cn.trade_share, cn.market_share, cn.company_share) == (
        pytest.approx(0.62, abs=EXACT),
        0.0,
        0.0,
    )
    assert jp.share == pytest.approx(0.38, abs=EXACT)
    assert cn.basis == "trade" and cn.coverage == pytest.approx(1.0)
    answer = snapshot.exposure("o-in", "CN")
    assert answer.share == pytest.approx(0.7, abs=EXACT) and answer.stage is not None
    assert answer.stage.value == "metal"
    [path] = snapshot.exposure("p-in", "JP").paths[:1]
    assert path.basis == "trade" and [s.item.id for s in path.steps] == ["p-in", "m"]
    assert [s.id for s in snapshot.exposure("p-in", "CN").sources] == [BACI_SOURCE, SOURCE]
    metal = {s.stage.value: s for s in answer.stages}["metal"]
    assert (metal.share, metal.basis) == (pytest.approx(0.7, abs=EXACT), "market")


def a_re_export_is_traced_through_the_re_exporter_s_mix(solve: Solve) -> None:
    snapshot = solve(trade_mix())
    assert _magnet(snapshot, "p-in", "VN").share == 0.0
    assert _magnet(snapshot, "p-jp", "JP").share == pytest.approx(0.5, abs=EXACT)
    assert _magnet(snapshot, "p-jp", "CN").basis == "trade"
    us = _magnet(snapshot, "p-us", "CN")
    assert (us.share, us.basis) == (pytest.approx(0.98, abs=EXACT), "trade")
    assert _magnet(snapshot, "p-us", "MY").share == 0.0
    assert _magnet(snapshot, "p-us", "JP").share == pytest.approx(0.02, abs=EXACT)


def a_country_without_trade_data_falls_back_to_the_world_mix(solve: Solve) -> None:
    snapshot = solve(trade_mix())
    de = _magnet(snapshot, "p-de", "CN")
    assert (de.share, de.market_share, de.trade_share) == (
        pytest.approx(0.9, abs=EXACT),
        pytest.approx(0.9, abs=EXACT),
        0.0,
    )
    assert de.basis == "market"
    assert [s.id for s in snapshot.exposure("p-de", "CN").sources] == [SOURCE]
    ranked = [
        (d.subject.id, round(d.share, 12), d.stage.value) for d in snapshot.dependents("CN", "m")
    ]
    assert ranked == [
        ("p-us", 0.98, "magnet"),
        ("p-de", 0.9, "magnet"),
        ("p-in", 0.7, "metal"),
        ("p-jp", 0.7, "metal"),
    ]


def _moves(plan: Any) -> list[tuple[str, str, str | None, str, float, float | None]]:
    return [
        (
            m.consumer.id,
            m.item.id,
            m.supplier.id if m.supplier else None,
            m.to.id,
            round(m.share, 9),
            None if m.tonnes is None else round(m.tonnes, 6),
        )
        for m in plan.moves
    ]


def a_plan_meets_the_target_moving_the_least_supply(solve: Solve) -> None:
    snapshot = solve(mitigation())
    plan = snapshot.mitigate("p", "CN", target=0.7)
    assert plan.feasible and plan.best_share == pytest.approx(0.7, abs=1e-9)
    [stage] = plan.stages
    assert (stage.stage, stage.before, stage.met, stage.tonnes) == (
        "magnet",
        pytest.approx(0.9, abs=EXACT),
        True,
        100.0,
    )
    assert stage.lowest == pytest.approx(0.37, abs=1e-9)
    assert _moves(plan) == [("p", "m", None, "s1", round(0.2 / 0.9, 9), round(200 / 9, 6))]
    assert plan.binding == ()
    assert plan.notes == ("the magnet plan moves the least supply: the graph holds no prices",)
    assert (stage.objective, stage.extra_cost) == ("supply", None)
    under = snapshot.mitigate("p", "CN", target=0.95)
    assert under.feasible and under.stages == () and under.moves == ()


def a_plan_bound_by_a_supplier_s_capacity(solve: Solve) -> None:
    snapshot = solve(mitigation())
    plan = snapshot.mitigate("p", "CN", target=0.5, stage=Stage.MAGNET)
    assert plan.feasible and plan.stages[0].after == pytest.approx(0.5, abs=1e-9)
    assert _moves(plan) == [("p", "m", None, "s1", 0.3, 30.0), ("p", "m", None, "s2", 0.2, 20.0)]
    assert [(b.supplier.id, b.capacity, b.assigned, b.spare) for b in plan.binding] == [
        ("s1", 30.0, 0.0, 30.0)
    ]


def an_infeasible_plan_gives_its_best_reachable_share(solve: Solve) -> None:
    snapshot = solve(mitigation())
    plan = snapshot.mitigate("p", "CN", target=0.1)
    assert not plan.feasible
    assert plan.best_share == pytest.approx(0.37, abs=1e-9)
    [stage] = plan.stages
    assert not stage.met and stage.after == pytest.approx(0.37, abs=1e-9)
    assert stage.reason == (
        "the alternatives' spare capacity runs out: s1 (30 t spare), s2 (40 t spare)"
    )
    assert _moves(plan) == [("p", "m", None, "s1", 0.3, 30.0), ("p", "m", None, "s2", 0.4, 40.0)]
    assert [(b.supplier.id, b.assigned, b.spare) for b in plan.binding] == [
        ("s1", 0.0, 30.0),
        ("s2", 360.0, 40.0),
    ]
    with pytest.raises(QueryError, match="target"):
        snapshot.mitigate("p", "CN", target=1.5)
    with pytest.raises(NotFound, match="'XX'"):
        snapshot.mitigate("p", "XX", target=0.5)
    [mining] = snapshot.mitigate("p", "CN", target=0.5, stage=Stage.MINING).stages
    assert (mining.before, mining.after, mining.met, mining.reason) == (0.0, 0.0, True, None)


def a_stage_without_alternatives_says_why(solve: Solve) -> None:
    """chain(): no company at any stage, so nothing can move: the shares stay."""
    bare = solve(chain()).mitigate("p", "CN", target=0.5)
    assert [(s.stage, s.met, s.after) for s in bare.stages] == [
        ("mining", False, pytest.approx(0.6, abs=EXACT)),
        ("separation", False, pytest.approx(0.8, abs=EXACT)),
        ("magnet", False, pytest.approx(0.9, abs=EXACT)),
    ]
    assert bare.stages[0].reason == "no company outside CN has a site at the mining stage"
    assert not bare.feasible and bare.best_share == pytest.approx(0.9, abs=EXACT)


def the_watch_lists_each_change_with_what_it_reaches(solve: Solve) -> None:
    """export_control(): Y's suspension ends on 2026-11-10 and it binds again (shortfall
    .18 for P, OEM O, automotive). control_acts(): W is suspended on 2026-01-10 (what it
    bound the day before: .09, S licensed), extended on 2026-10-01, binds again on
    2027-11-10 (.19, the licence over) and is lifted on 2028-01-01."""
    snapshot = solve(export_control())
    [event] = snapshot.control_events(start=date(2026, 11, 1), end=date(2026, 12, 1))
    assert (event.control.id, event.day, event.change, event.before, event.after) == (
        "y",
        "2026-11-10",
        "suspension_ends",
        "suspended",
        "in_force",
    )
    assert event.act is not None and event.act.id == "y-suspension"
    assert [(p.product.id, p.shortfall) for p in event.products] == [
        ("p", pytest.approx(0.18, abs=EXACT))
    ]
    assert [g.entity.id for g in event.oems] == ["o"]
    assert [g.entity.id for g in event.end_uses] == ["auto"]
    assert snapshot.control_events(start=date(2026, 11, 11), end=date(2027, 1, 1)) == []
    with pytest.raises(QueryError, match="before it starts"):
        snapshot.control_events(start=date(2026, 2, 1), end=date(2026, 1, 1))
    acts = solve(control_acts())
    found = [
        (e.day, e.change, e.act.id if e.act else None, [round(p.shortfall, 12) for p in e.products])
        for e in acts.control_events(start=date(2026, 1, 1), end=date(2028, 12, 31))
        if e.control.id == "w"
    ]
    assert found == [
        ("2026-01-10", "suspended", "s1", [0.09]),
        ("2026-10-01", "extended", "e1", []),
        ("2027-11-10", "suspension_ends", "e1", [0.19]),
        ("2028-01-01", "lifted", "l1", [0.19]),
    ]


def _shortfalls(answer: Any) -> list[tuple[str, float]]:
    return [(p.product.id, round(p.shortfall, 12)) for p in answer.products]


def a_foreign_maker_above_the_de_minimis_is_covered(solve: Solve) -> None:
    snapshot = solve(extraterritorial())
    day = date(2026, 12, 1)
    answer = snapshot.scenario(today=TODAY, control="t", as_of=day)
    assert [c.id for c in answer.covered] == ["x"]
    assert [c.id for c in answer.covered_abroad] == ["m"]
    assert _shortfalls(answer) == [("p1", 1.0), ("p3", 0.95), ("p2", 0.0005)]
    home_only = snapshot.scenario(today=TODAY, control="t", items=["x"], as_of=day)
    assert home_only.covered_abroad == ()
    assert _shortfalls(home_only) == [("p3", 0.9), ("p1", 0.002), ("p2", 0.0005)]
    lower = snapshot.scenario(today=TODAY, control="u", as_of=day)
    assert _shortfalls(lower) == [("p1", 1.0), ("p2", 1.0), ("p3", 0.5)]
    [event] = snapshot.control_events(start=date(2026, 11, 1), end=date(2026, 12, 1))
    assert (event.control.id, event.day, event.change) == ("t", "2026-11-10", "suspension_ends")
    assert [c.id for c in event.covered_abroad] == ["m"]
    assert [(p.product.id, round(p.shortfall, 12)) for p in event.products] == _shortfalls(answer)


def the_cheapest_plan_is_not_the_least_supply_moved(solve: Solve) -> None:
    """Solved three times, each dataset a superset of the one before (a store keeps what
    it loaded): without O's tonnes and S1's price, without O's tonnes, then whole."""
    unpriced = _without(priced_mitigation(), "prices.csv", company="s1")
    supply = solve(_without(unpriced, "consumption.csv", consumer="o")).mitigate(
        "p", "CN", target=0.7
    )
    [stage] = supply.stages
    assert (stage.objective, stage.extra_cost, stage.cost_unit) == ("supply", None, None)
    assert _moves(supply) == [("p", "m", "c", "s1", 0.3, None)]
    assert supply.moves[0].extra_cost is None and supply.moves[0].usd_per_kg_to is None
    assert supply.notes[-1] == (
        "the magnet plan moves the least supply: no price in the graph for m from s1"
    )
    shares = solve(_without(priced_mitigation(), "consumption.csv", consumer="o"))
    in_shares = shares.mitigate("p", "CN", target=0.7)
    [stage] = in_shares.stages
    assert (stage.objective, stage.cost_unit) == ("cost", "USD per kg of the subject's supply")
    assert stage.extra_cost == pytest.approx(2.4, rel=1e-9)
    assert _moves(in_shares) == [("p", "m", "c", "s2", 0.4, None)]
    plan = solve(priced_mitigation()).mitigate("p", "CN", target=0.7)
    [stage] = plan.stages
    assert plan.feasible and stage.after == pytest.approx(0.7, abs=1e-9)
    assert (stage.objective, stage.cost_unit) == ("cost", "USD a year")
    assert stage.extra_cost == pytest.approx(240_000, rel=1e-9)
    assert _moves(plan) == [("p", "m", "c", "s2", 0.4, 40.0)]
    [move] = plan.moves
    assert (move.usd_per_kg_from, move.usd_per_kg_to) == (50.0, 56.0)
    assert move.extra_cost == pytest.approx(240_000, rel=1e-9)
    assert plan.notes == (
        "the magnet plan is the least extra cost, 240,000 USD a year (every alternative and "
        "the supply it would replace has a price)",
    )


CHECKS: tuple[Callable[[Solve], None], ...] = (
    chain_multiplies_nothing_but_ones,
    diamond_adds_both_paths,
    two_suppliers_and_the_market_remainder,
    facility_tonnes_weight_a_company_s_countries,
    market_shares_stand_in_without_company_links,
    dependents_filtered_by_item_and_element,
    an_element_filter_follows_the_materials_that_hold_it,
    unknown_ids_are_not_found,
    export_control_shortfall_stock_and_volumes,
    a_suspended_control_blocks_nothing_until_the_suspension_ends,
    stock_runs_out_counted_from_the_day_the_control_binds_again,
    a_month_means_its_first_day,
    custom_controls_and_bad_arguments,
    status_follows_the_acts_in_force_on_the_day,
    concentration_by_year_with_hhi_and_flag,
    an_indian_oem_gets_india_s_import_mix_at_the_magnet_stage,
    a_re_export_is_traced_through_the_re_exporter_s_mix,
    a_country_without_trade_data_falls_back_to_the_world_mix,
    a_plan_meets_the_target_moving_the_least_supply,
    a_plan_bound_by_a_supplier_s_capacity,
    an_infeasible_plan_gives_its_best_reachable_share,
    a_stage_without_alternatives_says_why,
    the_watch_lists_each_change_with_what_it_reaches,
    a_foreign_maker_above_the_de_minimis_is_covered,
    the_cheapest_plan_is_not_the_least_supply_moved,
)
"""Every hand-computed case, each run on the engine alone and on every store."""
