"""A supplier's RMI AMRT imported on every store.

The AMRT used is docs/examples/amrt-jl-mag.xlsx, written by hand in the published AMRT 1.3
layout (its README sheet and Declaration!B2 say so): no real AMRT is available here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from graph.engine.exposure import exposure
from graph.errors import LoadError, NotFound
from graph.model import Label, RelType, Stage
from graph.snapshots import SnapshotCache
from graph.stores.base import Store
from loaders.amrt import import_amrt
from loaders.company import CompanyImport, import_company
from loaders.load import load
from tests.support.stores import DATASET, contents
from tests.support.workbooks import AMRT, OWNER, S1, edited

SOURCE = "amrt-jl-mag"


@pytest.fixture
def graph(store: Store, tmp_path: Path) -> Store:
    load(store=store, path=str(DATASET), batch_size=200)
    import_company(
        edited(tmp_path / "kestrel.xlsx"),
        store=store,
        owner=OWNER,
        batch_size=50,
        today="2026-01-15",
    )
    return store


def _amrt(dst: Path, change: Callable[[Worksheet, Worksheet], None] | None = None) -> Path:
    """A copy of the example AMRT, with ``change`` applied to (Declaration, Smelter List)."""
    book = load_workbook(AMRT)
    if change is not None:
        change(book["Declaration"], book["Smelter List"])
    book.save(dst)
    return dst


def _import(store: Store, path: Path, *, dry_run: bool = False) -> CompanyImport:
    return import_amrt(
        path, store=store, supplier="jl-mag", batch_size=7, dry_run=dry_run, today="2026-01-15"
    )


def _separation(store: Store, country: str) -> float:
    answer = exposure(SnapshotCache().get(store), S1, country)
    (stage,) = [s for s in answer.stages if s.stage is Stage.SEPARATION]
    return stage.share


def _links(store: Store) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in store.extract_relationships([RelType.SOURCES_FROM]):
        if r.properties["source"] == SOURCE:
            assert r.start == "jl-mag" and r.properties.get("share") is None
            out.setdefault(r.end, set()).add(str(r.properties["item"]))
    return out


def _separation_materials(store: Store) -> set[str]:
    return {
        n.id
        for n in store.extract_nodes([Label.MATERIAL])
        if n.properties.get("stage") == "separation"
    }


def test_the_smelter_list_becomes_facilities_linked_to_the_supplier(
    graph: Store, tmp_path: Path
) -> None:
    # Without the AMRT no fact names Norway: the graph has no such country.
    with pytest.raises(NotFound):
        _separation(graph, "NO")

    result = _import(graph, _amrt(tmp_path / "amrt.xlsx"))
    verdicts = {m.name: (m.verdict.value, m.company) for m in result.matches}
    assert verdicts == {
        "Fujian Golden Dragon Rare Earth Co., Ltd.": ("matched", "fujian-golden-dragon"),
        "REEtec AS": ("new", "reetec"),
    }
    assert "skipped   Smelter List row 7: Aluminum, not rare earths" in result.review
    (fgd,) = graph.nodes(Label.FACILITY, ["fujian-golden-dragon-cid004800"])
    assert (fgd.properties["country"], fgd.properties["stage"], fgd.properties["status"]) == (
        "CN",
        "separation",
        "operating",
    )
    assert fgd.properties["company"] == "fujian-golden-dragon"
    (ree,) = graph.nodes(Label.FACILITY, ["reetec-separation-no"])
    assert (ree.properties["country"], ree.properties["name"]) == ("NO", "REEtec AS (Porsgrunn)")
    (company,) = graph.nodes(Label.COMPANY, ["reetec"])
    assert company.properties["country"] == "NO" and company.properties["source"] == SOURCE
    operates = {
        (r.start, r.end)
        for r in graph.extract_relationships([RelType.OPERATES])
        if r.properties["source"] == SOURCE
    }
    assert operates == {
        ("fujian-golden-dragon", "fujian-golden-dragon-cid004800"),
        ("reetec", "reetec-separation-no"),
    }
    # "Rare Earth Elements" covers every separation-stage material: a link for each.
    materials = _separation_materials(graph)
    assert {"ndpr-oxide", "dy-oxide", "tb-oxide"} <= materials
    assert _links(graph) == {"fujian-golden-dragon": materials, "reetec": materials}
    # The matched spelling is kept as an alias of this import.
    assert {
        (r.start, r.properties["name"])
        for r in graph.extract_relationships([RelType.KNOWN_AS])
        if r.properties["source"] == SOURCE
    } == {("fujian-golden-dragon", "Fujian Golden Dragon Rare Earth Co., Ltd.")}

    # By hand: the S1's magnets are 0.9 (hub motor) x 0.7 JL Mag = 0.63 of its content; JL
    # Mag's Dy/Tb NdFeB is 0.85 NdPr + 0.10 Dy + 0.05 Tb metal, each reduced from its oxide
    # (1.0). JL Mag now names two separators for every oxide, neither with a share: each
    # takes an equal part, 0.5. REEtec's only plant is in Norway: 0.63 x 0.5 = 0.315.
    assert _separation(graph, "NO") == pytest.approx(0.315)


def test_a_reimport_replaces_the_supplier_s_amrt(graph: Store, tmp_path: Path) -> None:
    before = contents(graph)
    _import(graph, _amrt(tmp_path / "v1.xlsx"))
    again = _import(graph, _amrt(tmp_path / "v1.xlsx"))
    assert again.change.facts_added == again.change.facts_dropped == 0

    def without_reetec(_: Worksheet, smelters: Worksheet) -> None:
        smelters.delete_rows(6)

    result = _import(graph, _amrt(tmp_path / "v2.xlsx", without_reetec))
    assert result.change.suppliers_dropped == ["reetec"]
    assert graph.labels_of(["reetec", "reetec-separation-no"]) == {}
    assert set(_links(graph)) == {"fujian-golden-dragon"}
    # Fujian Golden Dragon alone: 0.63 of the S1 reaches China at separation through it.
    assert _separation(graph, "NO") == 0
    assert _separation(graph, "CN") >= 0.63

    def empty(_: Worksheet, smelters: Worksheet) -> None:
        smelters.delete_rows(5, 3)

    _import(graph, _amrt(tmp_path / "v3.xlsx", empty))
    nodes_before, rels_before = before
    nodes_after, rels_after = contents(graph)
    # All that stays of the AMRT is its Source node, and Norway, which REEtec brought in
    # (countries are reference nodes: no import removes them).
    assert {(label, i) for label, i, _ in set(nodes_after) - set(nodes_before)} == {
        ("Source", SOURCE),
        ("Country", "NO"),
    }
    assert set(nodes_before) <= set(nodes_after) and set(rels_after) == set(rels_before)


def _bad_country(_: Worksheet, smelters: Worksheet) -> None:
    smelters["E6"] = "Atlantis"


def _bad_cid(_: Worksheet, smelters: Worksheet) -> None:
    smelters["F5"] = "X-4800"


def _no_metal(_: Worksheet, smelters: Worksheet) -> None:
    smelters["B6"] = None


def _unknown_metal(_: Worksheet, smelters: Worksheet) -> None:
    smelters["B5"] = "Unobtainium"


def _no_company(declaration: Worksheet, _: Worksheet) -> None:
    declaration["D8"] = None


def _another_company(declaration: Worksheet, _: Worksheet) -> None:
    declaration["D8"] = "Vacuumschmelze GmbH & Co. KG"


def _cmrt(declaration: Worksheet, _: Worksheet) -> None:
    declaration["A1"] = "Conflict Minerals Reporting Template (CMRT) Version 6.5"


def _emrt(declaration: Worksheet, _: Worksheet) -> None:
    declaration["A1"] = "Extended Minerals Reporting Template (EMRT) Version 2.1"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_bad_country, "Smelter List!E6: country: 'Atlantis' is not a country name or ISO code"),
        (_bad_cid, "Smelter List!F5: cid: 'X-4800' is not an RMI smelter id"),
        (_no_metal, "Smelter List!B6: metal: is empty; this column is required"),
        (_unknown_metal, "Smelter List!B5: metal: 'Unobtainium' is no AMRT mineral"),
        (_no_company, "Declaration!D8: company_name: the company name is empty"),
        (
            _another_company,
            "Declaration!D8: company_name: 'Vacuumschmelze GmbH & Co. KG' is vacuumschmelze",
        ),
        (_cmrt, "Declaration!A1: template: this is an RMI CMRT (tin, tantalum"),
        (_emrt, "Declaration!A1: template: this is an RMI EMRT (cobalt, mica"),
    ],
    ids=[
        "country",
        "cid",
        "no-metal",
        "unknown-metal",
        "no-company",
        "other-company",
        "cmrt",
        "emrt",
    ],
)
def test_a_bad_amrt_is_refused_at_its_cell_and_nothing_is_written(
    graph: Store,
    tmp_path: Path,
    change: Callable[[Worksheet, Worksheet], None],
    message: str,
) -> None:
    before = contents(graph)
    with pytest.raises(LoadError) as refused:
        _import(graph, _amrt(tmp_path / "bad.xlsx", change))
    assert message in str(refused.value), str(refused.value)
    assert contents(graph) == before


def test_cmrt_and_emrt_still_say_they_do_not_cover_rare_earths(
    graph: Store, tmp_path: Path
) -> None:
    with pytest.raises(LoadError) as refused:
        _import(graph, _amrt(tmp_path / "cmrt.xlsx", _cmrt))
    assert "does not cover rare earths" in str(refused.value)
