"""A seeded synthetic supply graph shaped like the real model, for benchmarks.

``generate(Shape(edges=100_000))`` returns a ``loaders.validate.Batch`` of NodeRecords and
RelRecords, every declared property present (None where a real dataset would leave it
blank), provenance from one synthetic Source, and relationship keys built the way
``loaders/rows.py`` builds them (``TYPE|start|end|source|discriminators``).

Shape (upstream last):

    Product -CONTAINS-> Component -CONTAINS-> MagnetType -MADE_FROM-> Material(metal)
      -MADE_FROM-> Material(oxide, separation) -MADE_FROM-> Material(concentrate, mining)

- BOM shares of one parent are a Dirichlet split of a total that is 1 for most parents and
  0.6-1 for the rest (an incomplete bill of materials). Children are drawn with a Zipf-like
  popularity, so a few magnet types and materials feed most products.
- Every material and magnet type (``market_coverage`` of them) and some components get a
  market mix: Country -PRODUCES-> item with ``share`` and ``tonnes``; one top country holds
  0.5-0.95 (China most often), a Dirichlet long tail shares the rest, and some mixes give
  part of the tail to ``ZZ`` (unattributed output). The rest have no market data.
- Companies: OEMs (Company -MAKES-> Product), and makers per stage with Facilities
  (OPERATES, LOCATED_IN, MAKES with tonnes). ``company_link_fraction`` of components and
  products name suppliers (SOURCES_FROM with ``item``), some with unknown shares, some
  products name a magnet supplier below their components (a sourcing rule that applies
  deeper in the tree), and some component makers name their own magnet suppliers.
- Sourcing links name components and magnet types only, never materials, so at the
  metal, separation and mining stages the engine's answer is a pure bill-of-materials path
  sum: bench.baseline checks the Cypher baseline against it there.

It is a DAG by construction (BOM edges only go one tier upstream); ``check`` verifies it
with the rest of the invariants.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from graph.model import NODES, RELATIONSHIPS, Label, RelType, Stage, relationship_allowed
from graph.records import NodeRecord, NodeRef, RelRecord, RelRef, Value, relationship_key
from loaders.validate import SHARE_TOLERANCE, Batch

SOURCE_ID = "synthetic-bench"
YEAR = 2024
UNATTRIBUTED = "ZZ"

COUNTRY_CODES: tuple[str, ...] = (
    "CN", "US", "AU", "MM", "VN", "IN", "BR", "RU", "MY", "TH", "JP", "DE", "KR", "LA", "MG",
    "CA", "ZA", "EE", "FR", "GB", "NG", "KZ", "GL", "TZ", "CL", "ID", "PH", "SE", "NO", "MX",
)  # fmt: skip

ELEMENTS: tuple[tuple[str, str, int, str], ...] = (
    ("Nd", "Neodymium", 60, "light"),
    ("Pr", "Praseodymium", 59, "light"),
    ("La", "Lanthanum", 57, "light"),
    ("Ce", "Cerium", 58, "light"),
    ("Sm", "Samarium", 62, "light"),
    ("Gd", "Gadolinium", 64, "heavy"),
    ("Tb", "Terbium", 65, "heavy"),
    ("Dy", "Dysprosium", 66, "heavy"),
    ("Ho", "Holmium", 67, "heavy"),
    ("Y", "Yttrium", 39, "heavy"),
    ("Co", "Cobalt", 27, "other"),
    ("Fe", "Iron", 26, "other"),
    ("B", "Boron", 5, "other"),
)

Range = tuple[int, int]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Shape:
    """What to generate. Widths of the tiers scale with the number of products, which is
    chosen so the total relationship count lands near ``edges``."""

    edges: int = 10_000
    seed: int = 20_240_601
    countries: int = 20
    """Countries with output, besides ZZ (unattributed)."""
    components_per_product: float = 0.5
    magnets_per_product: float = 0.06
    metals_per_product: float = 0.02
    oxides_per_product: float = 0.01
    concentrates_per_product: float = 0.005
    min_widths: tuple[int, int, int, int, int] = (40, 12, 8, 6, 4)
    """Floors of the component, magnet, metal, oxide and concentrate tiers."""
    product_fanout: Range = (2, 6)
    component_fanout: Range = (1, 4)
    magnet_fanout: Range = (2, 4)
    metal_fanout: Range = (1, 3)
    oxide_fanout: Range = (1, 3)
    """Children per parent, inclusive; duplicates drawn for one parent are dropped."""
    popularity: float = 0.8
    """Zipf exponent of how often each child is drawn (0: uniform)."""
    incomplete_bom: float = 0.15
    """Fraction of parents whose BOM shares add up to 0.6-1 instead of 1."""
    market_countries: Range = (3, 10)
    market_coverage: float = 0.97
    """Fraction of materials and magnet types with a market mix."""
    component_market_coverage: float = 0.5
    china_top: float = 0.65
    """Probability that China is the top country of a mix."""
    unattributed_fraction: float = 0.2
    company_link_fraction: float = 0.1
    companies_per_product: float = 0.03
    facilities_per_company: Range = (1, 3)
    end_uses: int = 30
    end_use_fraction: float = 0.8

    def with_edges(self, edges: int) -> Shape:
        return replace(self, edges=edges)


@dataclass
class Tiers:
    products: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    magnets: list[str] = field(default_factory=list)
    metals: list[str] = field(default_factory=list)
    oxides: list[str] = field(default_factory=list)
    concentrates: list[str] = field(default_factory=list)


def parse_size(text: str) -> int:
    """'10k' -> 10_000, '1m' -> 1_000_000, '2500' -> 2500."""
    t = text.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    return int(float(t[:-1] if mult > 1 else t) * mult)


def generate(shape: Shape) -> Batch:
    """The graph for ``shape``, sized by calibrating edges per product on a small draft."""
    draft_products = 400
    draft = _build(shape, draft_products)
    per_product = len(draft.relationships) / draft_products
    products = max(10, round(shape.edges / per_product))
    return _build(shape, products)


# -- construction ---------------------------------------------------------------------------


class _Builder:
    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.rng = np.random.default_rng(shape.seed)
        self.batch = Batch()
        self.labels: dict[str, Label] = {}
        self._confidences = ("high", "medium", "medium", "low")

    def prov(self) -> dict[str, Value]:
        confidence = self._confidences[int(self.rng.integers(len(self._confidences)))]
        return {"source": SOURCE_ID, "confidence": confidence, "note": None}

    def node(self, label: Label, node_id: str, **props: Value) -> None:
        declared = NODES[label].properties
        values: dict[str, Value] = {"id": node_id, **props}
        if label is not Label.SOURCE:
            values.update(self.prov())
        unknown = set(values) - set(declared)
        if unknown:
            raise ValueError(f"{label.value} does not declare {sorted(unknown)}")
        full = {name: values.get(name) for name in declared}
        self.batch.nodes.append(NodeRecord(label, node_id, full))
        self.labels[node_id] = label

    def rel(
        self, rel: RelType, start: str, end: str, *discriminators: object, **props: Value
    ) -> None:
        key = relationship_key(rel, start, end, SOURCE_ID, *discriminators)
        declared = RELATIONSHIPS[rel].properties
        values: dict[str, Value] = {**props, **self.prov(), "key": key}
        unknown = set(values) - set(declared)
        if unknown:
            raise ValueError(f"{rel.value} does not declare {sorted(unknown)}")
        full = {name: values.get(name) for name in declared}
        self.batch.relationships.append(
            RelRecord(rel, self.labels[start], start, self.labels[end], end, key, full)
        )

    # -- draws ---------------------------------------------------------------------------

    def uniform(self, low: float, high: float) -> float:
        return float(self.rng.uniform(low, high))

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def count(self, bounds: Range, cap: int | None = None) -> int:
        low, high = bounds
        n = int(self.rng.integers(low, high + 1))
        return min(n, cap) if cap is not None else n

    def pick(self, items: Sequence[str]) -> str:
        return items[int(self.rng.integers(len(items)))]

    def split(self, k: int, alpha: float = 1.0) -> list[float]:
        """A Dirichlet split of a whole (1, or 0.6-1 for an incomplete BOM)."""
        total = 1.0 if not self.chance(self.shape.incomplete_bom) else self.uniform(0.6, 1.0)
        parts = self.rng.dirichlet(np.full(k, alpha)) * total
        return [float(x) for x in parts]

    def children(self, parents: int, fanout: Range, width: int) -> list[IntArray]:
        """Child indices per parent: popular children more often, no repeats per parent."""
        ranks = np.arange(1, width + 1, dtype=np.float64)
        weights = ranks**-self.shape.popularity
        self.rng.shuffle(weights)
        cdf = np.cumsum(weights)
        cdf /= cdf[-1]
        low, high = fanout
        counts = self.rng.integers(min(low, width), min(high, width) + 1, size=parents)
        draws = np.searchsorted(cdf, self.rng.random(int(counts.sum())), side="right")
        draws = np.minimum(draws, width - 1).astype(np.int64)
        out: list[IntArray] = []
        at = 0
        for k in counts:
            out.append(np.unique(draws[at : at + k]))
            at += int(k)
        return out


def _width(per_product: float, products: int, floor: int) -> int:
    return max(floor, math.ceil(per_product * products))


def _ids(prefix: str, n: int) -> list[str]:
    digits = max(4, len(str(n)))
    return [f"{prefix}-{i:0{digits}d}" for i in range(n)]


def _build(shape: Shape, products: int) -> Batch:
    if not 1 <= shape.countries <= len(COUNTRY_CODES):
        raise ValueError(f"countries must be 1..{len(COUNTRY_CODES)}")
    b = _Builder(shape)
    floors = shape.min_widths
    tiers = Tiers(
        products=_ids("prod", products),
        components=_ids("comp", _width(shape.components_per_product, products, floors[0])),
        magnets=_ids("mag", _width(shape.magnets_per_product, products, floors[1])),
        metals=_ids("metal", _width(shape.metals_per_product, products, floors[2])),
        oxides=_ids("oxide", _width(shape.oxides_per_product, products, floors[3])),
        concentrates=_ids("conc", _width(shape.concentrates_per_product, products, floors[4])),
    )
    b.node(
        Label.SOURCE,
        SOURCE_ID,
        title="Synthetic supply graph for benchmarks",
        publisher="supplygraph bench",
        date=str(YEAR),
        url=None,
        note=f"bench.generate seed {shape.seed}",
    )
    countries = list(COUNTRY_CODES[: shape.countries])
    for code in countries:
        b.node(Label.COUNTRY, code, name=f"Country {code}")
    b.node(Label.COUNTRY, UNATTRIBUTED, name="Unattributed (other)")
    for symbol, name, number, category in ELEMENTS:
        b.node(Label.ELEMENT, symbol, name=name, atomic_number=number, category=category)
    end_uses = _ids("use", shape.end_uses)
    for use in end_uses:
        b.node(Label.END_USE, use, name=f"End use {use}")

    _items(b, tiers)
    _bom(b, tiers)
    _markets(b, tiers, countries)
    _companies(b, tiers, countries, end_uses)
    return b.batch


def _items(b: _Builder, t: Tiers) -> None:
    materials = (
        (t.concentrates, Stage.MINING, "concentrate", "2530.90"),
        (t.oxides, Stage.SEPARATION, "oxide", "2846.90"),
        (t.metals, Stage.METAL, "metal", "2805.30"),
    )
    for ids, stage, form, hs in materials:
        for i in ids:
            b.node(
                Label.MATERIAL, i, name=f"Material {i}", stage=stage.value, form=form, hs_code=hs
            )
    families = ("ndfeb", "ndfeb", "ndfeb", "smco", "ferrite", "alnico")
    for i in t.magnets:
        family = b.pick(families)
        b.node(
            Label.MAGNET_TYPE,
            i,
            name=f"Magnet {i}",
            stage=Stage.MAGNET.value,
            family=family,
            grade_of=None,
            rare_earth=family in ("ndfeb", "smco"),
            hs_code="8505.11",
        )
    for i in t.components:
        b.node(Label.COMPONENT, i, name=f"Component {i}", stage=Stage.COMPONENT.value)
    for i in t.products:
        b.node(Label.PRODUCT, i, name=f"Product {i}")
    symbols = [e[0] for e in ELEMENTS]
    for i in [*t.concentrates, *t.oxides, *t.metals, *t.magnets]:
        for e in sorted({b.pick(symbols) for _ in range(b.count((1, 3)))}):
            b.rel(RelType.HAS_ELEMENT, i, e)


def _bom(b: _Builder, t: Tiers) -> None:
    s = b.shape
    layers = (
        (t.products, t.components, s.product_fanout, RelType.CONTAINS),
        (t.components, t.magnets, s.component_fanout, RelType.CONTAINS),
        (t.magnets, t.metals, s.magnet_fanout, RelType.MADE_FROM),
        (t.metals, t.oxides, s.metal_fanout, RelType.MADE_FROM),
        (t.oxides, t.concentrates, s.oxide_fanout, RelType.MADE_FROM),
    )
    for parents, kids, fanout, rel in layers:
        for parent, picked in zip(
            parents, b.children(len(parents), fanout, len(kids)), strict=True
        ):
            shares = b.split(len(picked))
            for child_index, share in zip(picked, shares, strict=True):
                child = kids[int(child_index)]
                if rel is RelType.CONTAINS:
                    kg = round(b.uniform(0.01, 3.0), 4)
                    b.rel(
                        rel,
                        parent,
                        child,
                        YEAR,
                        share=share,
                        kg_per_unit=kg,
                        kg_per_unit_high=round(kg * b.uniform(1.0, 1.5), 4),
                        scope="rare-earth magnet content (synthetic)",
                        year=YEAR,
                    )
                else:
                    b.rel(rel, parent, child, YEAR, share=share, year=YEAR)


def _markets(b: _Builder, t: Tiers, countries: list[str]) -> None:
    s = b.shape
    upstream = [*t.concentrates, *t.oxides, *t.metals, *t.magnets]
    covered = [i for i in upstream if b.chance(s.market_coverage)]
    covered += [i for i in t.components if b.chance(s.component_market_coverage)]
    others = [c for c in countries if c != "CN"]
    for item in covered:
        k = b.count(s.market_countries, cap=len(countries))
        top = "CN" if "CN" in countries and b.chance(s.china_top) else b.pick(countries)
        rest = [c for c in countries if c != top] if top != "CN" else others
        tail_n = min(k - 1, len(rest))
        tail = [rest[int(i)] for i in b.rng.choice(len(rest), size=tail_n, replace=False)]
        if tail and b.chance(s.unattributed_fraction):
            tail[-1] = UNATTRIBUTED
        top_share = b.uniform(0.5, 0.95)
        tail_shares = (
            [float(x) * (1.0 - top_share) for x in b.rng.dirichlet(np.full(tail_n, 0.5))]
            if tail_n
            else []
        )
        world = b.uniform(1_000.0, 300_000.0)
        for country, share in zip([top, *tail], [top_share, *tail_shares], strict=True):
            b.rel(
                RelType.PRODUCES,
                country,
                item,
                YEAR,
                share=share,
                tonnes=round(share * world, 1),
                year=YEAR,
                scope="share of world output (synthetic)",
            )


_ROLE_STAGE = {
    "miner": Stage.MINING,
    "separator": Stage.SEPARATION,
    "metal_maker": Stage.METAL,
    "magnet_maker": Stage.MAGNET,
    "component_maker": Stage.COMPONENT,
}
_ROLE_MIX = (
    ("oem", 0.40),
    ("component_maker", 0.20),
    ("magnet_maker", 0.15),
    ("metal_maker", 0.08),
    ("separator", 0.08),
    ("miner", 0.09),
)


def _companies(b: _Builder, t: Tiers, countries: list[str], end_uses: list[str]) -> None:
    s = b.shape
    n = max(24, round(s.companies_per_product * len(t.products)))
    by_role: dict[str, list[str]] = defaultdict(list)
    stage_items = {
        Stage.MINING: t.concentrates,
        Stage.SEPARATION: t.oxides,
        Stage.METAL: t.metals,
        Stage.MAGNET: t.magnets,
        Stage.COMPONENT: t.components,
    }
    headquarters: dict[str, str] = {}
    for role, fraction in _ROLE_MIX:
        count = max(2, round(fraction * n))
        for company in _ids(f"co-{role.replace('_', '')}", count):
            country = "CN" if "CN" in countries and b.chance(0.4) else b.pick(countries)
            b.node(Label.COMPANY, company, name=f"Company {company}", country=country, roles=[role])
            b.rel(RelType.HEADQUARTERED_IN, company, country)
            by_role[role].append(company)
            headquarters[company] = country
    facility_no = 0
    statuses = ("operating",) * 17 + ("construction", "planned", "closed")
    for role, stage in _ROLE_STAGE.items():
        for company in by_role[role]:
            hq = headquarters[company]
            for _ in range(b.count(s.facilities_per_company)):
                facility = f"fac-{facility_no:07d}"
                facility_no += 1
                country = hq if b.chance(0.3) else b.pick(countries)
                status = b.pick(statuses)
                b.node(
                    Label.FACILITY,
                    facility,
                    name=f"Facility {facility}",
                    company=company,
                    country=country,
                    stage=stage.value,
                    status=status,
                    opened=str(int(b.rng.integers(1995, 2025))),
                )
                b.rel(RelType.OPERATES, company, facility)
                b.rel(RelType.LOCATED_IN, facility, country)
                capacity = {"operating": "actual", "planned": "planned"}.get(status, "capacity")
                b.rel(
                    RelType.MAKES,
                    facility,
                    b.pick(stage_items[stage]),
                    YEAR,
                    capacity,
                    tonnes=round(b.uniform(100.0, 20_000.0), 1),
                    year=YEAR,
                    status=capacity,
                    scope="tonnes a year (synthetic)",
                )
    for product in t.products:
        oem = b.pick(by_role["oem"])
        b.rel(RelType.MAKES, oem, product)
        if b.chance(s.end_use_fraction):
            for use in sorted({b.pick(end_uses) for _ in range(b.count((1, 2)))}):
                b.rel(RelType.USED_IN, product, use)
    _sourcing(b, t, by_role)


def _sourcing(b: _Builder, t: Tiers, by_role: dict[str, list[str]]) -> None:
    s = b.shape
    bom: dict[str, list[str]] = defaultdict(list)
    for rel in b.batch.relationships:
        if rel.type is RelType.CONTAINS:
            bom[rel.start].append(rel.end)

    def link(consumer: str, item: str, suppliers: list[str]) -> None:
        unknown = b.chance(0.3)
        shares: list[float | None] = (
            [None] * len(suppliers)
            if unknown
            else [x * b.uniform(0.4, 1.0) for x in b.split(len(suppliers))]
        )
        for supplier, share in zip(suppliers, shares, strict=True):
            b.rel(
                RelType.SOURCES_FROM,
                consumer,
                supplier,
                item,
                YEAR,
                item=item,
                share=share,
                year=YEAR,
            )

    def suppliers(role: str, k: int) -> list[str]:
        pool = by_role[role]
        chosen = b.rng.choice(len(pool), size=min(k, len(pool)), replace=False)
        return [pool[int(i)] for i in chosen]

    for component in t.components:
        if bom[component] and b.chance(s.company_link_fraction):
            for magnet in sorted({b.pick(bom[component]) for _ in range(b.count((1, 2)))}):
                link(component, magnet, suppliers("magnet_maker", b.count((1, 2))))
    for product in t.products:
        if bom[product] and b.chance(s.company_link_fraction):
            component = b.pick(bom[product])
            link(product, component, suppliers("component_maker", b.count((1, 2))))
        if bom[product] and b.chance(s.company_link_fraction / 2):
            below = [m for c in bom[product] for m in bom[c]]
            if below:
                link(product, b.pick(below), suppliers("magnet_maker", 1))
    for maker in by_role["component_maker"]:
        if b.chance(s.company_link_fraction * 2):
            for magnet in sorted({b.pick(t.magnets) for _ in range(b.count((1, 2)))}):
                link(maker, magnet, suppliers("magnet_maker", 1))


# -- checks and conversions -----------------------------------------------------------------


def check(batch: Batch) -> dict[str, int]:
    """Raise ValueError unless the batch is loadable and shaped as promised; return counts
    per label and relationship type."""
    labels: dict[str, Label] = {}
    for node in batch.nodes:
        if node.id in labels:
            raise ValueError(f"node id {node.id} twice")
        if set(node.properties) != set(NODES[node.label].properties):
            raise ValueError(f"{node.id}: properties differ from the model")
        labels[node.id] = node.label
    keys: set[str] = set()
    totals: dict[tuple[object, ...], float] = defaultdict(float)
    bom: dict[str, list[str]] = defaultdict(list)
    for rel in batch.relationships:
        if rel.key in keys:
            raise ValueError(f"relationship key {rel.key} twice")
        keys.add(rel.key)
        if labels.get(rel.start) is not rel.start_label or labels.get(rel.end) is not (
            rel.end_label
        ):
            raise ValueError(f"{rel.key}: an end is missing or has another label")
        if not relationship_allowed(rel.type, rel.start_label, rel.end_label):
            raise ValueError(f"{rel.key}: not allowed by the model")
        if set(rel.properties) != set(RELATIONSHIPS[rel.type].properties):
            raise ValueError(f"{rel.key}: properties differ from the model")
        share = rel.properties.get("share")
        if isinstance(share, float):
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"{rel.key}: share {share} outside [0, 1]")
            group: tuple[object, ...]
            if rel.type is RelType.PRODUCES:
                group = (rel.type, rel.end)
            elif rel.type is RelType.SOURCES_FROM:
                group = (rel.type, rel.start, rel.properties.get("item"))
            else:
                group = (rel.type, rel.start)
            totals[group] += share
        if rel.type in (RelType.CONTAINS, RelType.MADE_FROM):
            bom[rel.start].append(rel.end)
    over = [g for g, total in totals.items() if total > 1.0 + SHARE_TOLERANCE]
    if over:
        raise ValueError(f"shares above 1 for {over[:3]}")
    _check_dag(bom)
    counts: dict[str, int] = defaultdict(int)
    for node in batch.nodes:
        counts[node.label.value] += 1
    for rel in batch.relationships:
        counts[rel.type.value] += 1
    return dict(counts)


def _check_dag(bom: dict[str, list[str]]) -> None:
    state: dict[str, int] = {}
    for root in bom:
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            node, i = stack.pop()
            kids = bom.get(node, [])
            if i == 0:
                if state.get(node) == 2:
                    continue
                state[node] = 1
            if i < len(kids):
                stack.append((node, i + 1))
                child = kids[i]
                if state.get(child) == 1:
                    raise ValueError(f"cycle through {child}")
                if child not in state:
                    stack.append((child, 0))
            else:
                state[node] = 2


def as_refs(batch: Batch) -> tuple[list[NodeRef], list[RelRef]]:
    """The batch as a store returns it from extraction (null properties dropped), for
    engine-only profiling without a store."""
    nodes = [
        NodeRef(n.label, n.id, {k: v for k, v in n.properties.items() if v is not None})
        for n in batch.nodes
    ]
    rels = [
        RelRef(r.type, r.start, r.end, {k: v for k, v in r.properties.items() if v is not None})
        for r in batch.relationships
    ]
    return nodes, rels


def describe(batch: Batch) -> str:
    counts = check(batch)
    parts = [f"{k}={v}" for k, v in sorted(counts.items())]
    return f"{len(batch.nodes)} nodes, {len(batch.relationships)} relationships: " + ", ".join(
        parts
    )


def main(argv: Iterable[str] | None = None) -> None:
    import argparse
    import sys
    import time

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("size", nargs="?", default="10k")
    parser.add_argument("--seed", type=int, default=Shape.seed)
    args = parser.parse_args(list(argv) if argv is not None else None)
    started = time.perf_counter()
    batch = generate(Shape(edges=parse_size(args.size), seed=args.seed))
    took = time.perf_counter() - started
    sys.stdout.write(f"{describe(batch)}\ngenerated in {took:.2f} s\n")


if __name__ == "__main__":
    main()
