"""Small hand-computed supply graphs, written as real dataset CSV files.

Each case is loaded through the real loader into each store, so the expected numbers test
the loader, the store and the engine together. The arithmetic is in each case's docstring.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

from graph.model import Label, RelType
from graph.records import RelRecord, relationship_key
from graph.stores.base import Store
from loaders.load import load
from loaders.rows import MODEL_BY_FILE
from loaders.writer import write_records

SOURCE = "src-test"


class DatasetWriter:
    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
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

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for file, rows in self.rows.items():
            columns = list(MODEL_BY_FILE[file].model_fields)
            with (folder / file).open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns)
                writer.writeheader()
                for row in rows:
                    writer.writerow({k: _cell(v) for k, v in row.items()})
        return folder


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

    N: CN .9; F: CN .5. dependents(CN, N) = P1 .9, P3 .45; dependents(CN, Dy) the same;
    dependents(CN) = P1 .9, P2 .5, P3 .45 + .25 = .7.
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
    Control Y covers Dy too but is suspended from 2025-11-10 until 2026-11-10.
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
    d.add("control_items.csv", control="x", item="Dy")
    d.add("control_items.csv", control="y", item="Dy")
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


def concentration() -> DatasetWriter:
    """Item M: 2024 set CN .9 JP .1 (HHI 8,200, flagged); 2023 set CN .6 JP .3 US .1
    (HHI 4,600, top3 1.0, not flagged at .65); ZZ .05 in 2022 is left out of the shares."""
    d = DatasetWriter().countries("CN", "JP", "US", "ZZ")
    d.magnet("m")
    d.market("m", 2024, CN=0.9, JP=0.1).market("m", 2023, CN=0.6, JP=0.3, US=0.1)
    d.market("m", 2022, CN=0.6, ZZ=0.05)
    return d
