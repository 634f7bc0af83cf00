"""A company workbook imported on every store: the example of docs/examples, its exposure
worked by hand, re-imports that replace, and bad workbooks refused at their cells."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from graph.engine.answers import StageBasis
from graph.engine.exposure import exposure
from graph.errors import LoadError
from graph.model import Label, RelType, Stage
from graph.snapshots import SnapshotCache
from graph.stores.base import Store
from loaders.company import CompanyImport, import_company
from loaders.load import load
from loaders.matching import Match, Verdict
from tests.support.spellings import CLOSE_NAME, NEW_NAME, VARIANTS
from tests.support.stores import DATASET, contents
from tests.support.workbooks import OWNER, S1, as_csv_folder, drop_rows, edited


@pytest.fixture
def graph(store: Store) -> Store:
    load(store=store, path=str(DATASET), batch_size=200)
    return store


def _import(store: Store, path: Path, *, dry_run: bool = False) -> CompanyImport:
    return import_company(
        path, store=store, owner=OWNER, batch_size=7, dry_run=dry_run, today="2026-01-15"
    )


def _magnet(store: Store, subject: str) -> tuple[float, float, StageBasis]:
    answer = exposure(SnapshotCache().get(store), subject, "CN")
    (stage,) = [s for s in answer.stages if s.stage is Stage.MAGNET]
    return stage.share, stage.company_share, stage.basis


def _sources_from(store: Store) -> dict[tuple[str, str, str], float | None]:
    return {
        (r.start, str(r.properties["item"]), r.end): r.properties.get("share")
        for r in store.extract_relationships([RelType.SOURCES_FROM])
        if r.properties["source"] == "company-kestrel-motors"
    }


def test_the_example_imports_and_its_magnet_stage_turns_from_market_to_company(
    graph: Store, tmp_path: Path
) -> None:
    def no_sourcing(sheets: dict[str, Worksheet]) -> None:
        sheets["sourcing"].delete_rows(2, 10)

    _import(graph, edited(tmp_path / "v0.xlsx", no_sourcing))
    # Without suppliers the S1's magnets come from the world market: the chosen set for
    # both magnet types is IEA 2025 (medium, 2024, first by id), China 0.94. The bill of
    # materials splits 0.9 (hub motor, sintered Dy/Tb) + 0.1 (sensor, bonded): 0.94.
    share, company, basis = _magnet(graph, S1)
    assert basis is StageBasis.MARKET
    assert share == pytest.approx(0.94) and company == 0

    _import(graph, edited(tmp_path / "v1.xlsx"))
    # With the sourcing sheet: the hub motor's magnets 0.7 JL Mag (operating magnet plants
    # Ganzhou and Baotou, both CN) + 0.3 Vacuumschmelze (no operating magnet plant: its
    # headquarters, DE); the sensor's from Acme Magnetics (new, DE).
    # China = 0.9 * 0.7 * 1 + 0.9 * 0.3 * 0 + 0.1 * 1.0 * 0 = 0.63, all company-level.
    share, company, basis = _magnet(graph, S1)
    assert basis is StageBasis.COMPANY
    assert share == pytest.approx(0.63) and company == pytest.approx(0.63)
    assert _sources_from(graph) == {
        ("kestrel-motors-hub-motor", "ndfeb-sintered-dytb", "jl-mag"): 0.7,
        ("kestrel-motors-hub-motor", "ndfeb-sintered-dytb", "vacuumschmelze"): 0.3,
        ("kestrel-motors-steering-sensor", "ndfeb-bonded", "acme-magnetics"): 1.0,
    }
    (acme,) = graph.nodes(Label.COMPANY, ["acme-magnetics"])
    assert acme.properties["country"] == "DE" and acme.properties["name"] == "Acme Magnetics GmbH"
    (jl,) = graph.nodes(Label.COMPANY, ["jl-mag"])
    assert jl.properties["name"] == "JL Mag Rare-Earth Co., Ltd."  # matched, left as it was


def test_the_csv_folder_imports_as_the_workbook_does(graph: Store, tmp_path: Path) -> None:
    _import(graph, as_csv_folder(tmp_path / "kestrel"))
    share, _, basis = _magnet(graph, S1)
    assert basis is StageBasis.COMPANY and share == pytest.approx(0.63)


def test_a_reimport_with_a_supplier_dropped_removes_exactly_its_facts(
    graph: Store, tmp_path: Path
) -> None:
    first = _import(graph, edited(tmp_path / "v1.xlsx"))
    assert first.change.suppliers_added == ["acme-magnetics", "jl-mag", "vacuumschmelze"]
    before = contents(graph)
    again = _import(graph, edited(tmp_path / "v1.xlsx"))
    assert again.change.facts_added == again.change.facts_dropped == 0
    assert contents(graph) == before

    def without_vac(sheets: dict[str, Worksheet]) -> None:
        drop_rows(sheets["suppliers"], "Vacuumschmelze GmbH & Co. KG")
        drop_rows(sheets["sourcing"], "Vacuumschmelze GmbH & Co. KG")
        sheets["sourcing"]["C2"] = 1.0

    preview = _import(graph, edited(tmp_path / "v2.xlsx", without_vac), dry_run=True)
    assert contents(graph) == before
    assert preview.change.suppliers_dropped == ["vacuumschmelze"]
    assert preview.change.shares_changed == [
        (
            "SOURCES_FROM|kestrel-motors-hub-motor|jl-mag|company-kestrel-motors"
            "|ndfeb-sintered-dytb|2025",
            0.7,
            1.0,
        )
    ]
    _import(graph, tmp_path / "v2.xlsx")
    nodes_before, rels_before = before
    nodes_after, rels_after = contents(graph)
    # Vacuumschmelze is the dataset's company: it stays. Only the source's title changed.
    changed = set(nodes_after) ^ set(nodes_before)
    assert {(label, node_id) for label, node_id, _ in changed} == {
        ("Source", "company-kestrel-motors")
    }
    gone = set(rels_before) - set(rels_after)
    came = set(rels_after) - set(rels_before)
    # VAC's alias (the workbook's spelling, kept by the first import) goes with it.
    assert sorted((t, ends) for t, ends, _ in gone) == [
        ("KNOWN_AS", "vacuumschmelze>company-kestrel-motors"),
        ("SOURCES_FROM", "kestrel-motors-hub-motor>jl-mag"),
        ("SOURCES_FROM", "kestrel-motors-hub-motor>vacuumschmelze"),
    ]
    # The JL Mag link was restated with its new share, nothing else came.
    assert [(t, ends) for t, ends, _ in came] == [
        ("SOURCES_FROM", "kestrel-motors-hub-motor>jl-mag")
    ]
    # VAC's dataset facts (GM's magnets, its plant) are untouched.
    assert any(
        r.start == "gm-ultium-drive-motor" and r.end == "vacuumschmelze"
        for r in graph.extract_relationships([RelType.SOURCES_FROM])
    )


def test_a_new_supplier_dropped_is_gone_from_the_graph(graph: Store, tmp_path: Path) -> None:
    _import(graph, edited(tmp_path / "v1.xlsx"))

    def without_acme(sheets: dict[str, Worksheet]) -> None:
        drop_rows(sheets["suppliers"], "Acme Magnetics GmbH")
        drop_rows(sheets["sourcing"], "Acme Magnetics GmbH")

    result = _import(graph, edited(tmp_path / "v2.xlsx", without_acme))
    assert result.change.suppliers_dropped == ["acme-magnetics"]
    assert graph.labels_of(["acme-magnetics"]) == {}
    assert all(
        "acme-magnetics" not in (r.start, r.end) for r in graph.extract_relationships(list(RelType))
    )
    assert set(_sources_from(graph)) == {
        ("kestrel-motors-hub-motor", "ndfeb-sintered-dytb", "jl-mag"),
        ("kestrel-motors-hub-motor", "ndfeb-sintered-dytb", "vacuumschmelze"),
    }


def _aliases(store: Store) -> set[tuple[str, str, str]]:
    return {
        (r.start, str(r.properties["name"]), r.end)
        for r in store.extract_relationships([RelType.KNOWN_AS])
    }


def _renamed_jl(sheets: dict[str, Worksheet]) -> None:
    for ws in (sheets["suppliers"], sheets["sourcing"]):
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == "JL MAG Rare-Earth Co., Ltd.":
                    cell.value = "Northern Star Magnetics"


def test_matched_spellings_are_kept_as_aliases_and_matched_next_time(
    graph: Store, tmp_path: Path
) -> None:
    first = _import(graph, edited(tmp_path / "v1.xlsx"))
    # JL MAG's spelling normalises to its node's name; VAC's lacks the node's "(VAC)".
    assert _aliases(graph) == {
        ("vacuumschmelze", "Vacuumschmelze GmbH & Co. KG", "company-kestrel-motors")
    }
    assert {m.name: m.verdict.value for m in first.matches}["JL MAG Rare-Earth Co., Ltd."] == (
        "matched"
    )

    renamed = edited(tmp_path / "v2.xlsx", _renamed_jl)
    preview = _import(graph, renamed, dry_run=True)
    (northern,) = [m for m in preview.matches if m.name == "Northern Star Magnetics"]
    assert northern.verdict.value == "new"  # no score comes near without an alias
    (tmp_path / "v2.mapping.csv").write_text("name,company\nNorthern Star Magnetics,jl-mag\n")
    _import(graph, renamed)
    assert _aliases(graph) == {
        ("vacuumschmelze", "Vacuumschmelze GmbH & Co. KG", "company-kestrel-motors"),
        ("jl-mag", "Northern Star Magnetics", "company-kestrel-motors"),
    }

    # The next workbook, with no mapping file beside it, finds JL Mag by the kept alias.
    again = _import(graph, edited(tmp_path / "v3.xlsx", _renamed_jl))
    (northern,) = [m for m in again.matches if m.name == "Northern Star Magnetics"]
    assert (northern.verdict.value, northern.company, northern.score) == ("matched", "jl-mag", 100)
    assert again.change.facts_added == again.change.facts_dropped == 0

    # A re-import that no longer writes the spelling removes it.
    _import(graph, edited(tmp_path / "v4.xlsx"))
    assert _aliases(graph) == {
        ("vacuumschmelze", "Vacuumschmelze GmbH & Co. KG", "company-kestrel-motors")
    }
    (jl,) = graph.nodes(Label.COMPANY, ["jl-mag"])
    assert jl.properties["name"] == "JL Mag Rare-Earth Co., Ltd."


def _missing_sheet(sheets: dict[str, Worksheet]) -> None:
    ws = sheets["suppliers"]
    assert ws.parent is not None
    ws.parent.remove(ws)


def _wrong_column(sheets: dict[str, Worksheet]) -> None:
    sheets["bom"]["E1"] = "percent"


def _share_over_one(sheets: dict[str, Worksheet]) -> None:
    sheets["bom"]["E3"] = 1.4


def _formula(sheets: dict[str, Worksheet]) -> None:
    sheets["sourcing"]["C3"] = "=1-C2"


def _empty_required(sheets: dict[str, Worksheet]) -> None:
    sheets["products"]["B3"] = None


def _merged_header(sheets: dict[str, Worksheet]) -> None:
    sheets["sourcing"].merge_cells("C1:D1")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_missing_sheet, "suppliers!A1: sheet: sheet 'suppliers' is missing"),
        (_wrong_column, "bom!E1: percent: unknown column 'percent'"),
        (_share_over_one, "bom!E3: share: Input should be less than or equal to 1"),
        (_formula, "sourcing!C3: share: is a formula (=1-C2): paste its value instead"),
        (_empty_required, "products!B3: name: is empty; this column is required"),
        (_merged_header, "sourcing!C1:D1: merged: merged cells C1:D1: unmerge them"),
    ],
    ids=["missing-sheet", "wrong-column", "share-over-1", "formula", "empty-cell", "merged"],
)
def test_a_bad_workbook_is_refused_at_its_cell_and_nothing_is_written(
    graph: Store,
    tmp_path: Path,
    change: object,
    message: str,
) -> None:
    assert callable(change)
    before = contents(graph)
    version = graph.graph_version()
    with pytest.raises(LoadError) as refused:
        _import(graph, edited(tmp_path / "bad.xlsx", change))
    assert message in str(refused.value)
    assert contents(graph) == before
    assert graph.graph_version() == version


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("Conflict Minerals Reporting Template (CMRT) Version 6.5", "CMRT (tin, tantalum"),
        ("Extended Minerals Reporting Template (EMRT) Version 2.0", "EMRT (cobalt, mica"),
        (
            "Additional Minerals Reporting Template (AMRT) Version 1.3",
            "AMRT: import its smelter list with `supplygraph import amrt",
        ),
    ],
)
def test_an_rmi_template_is_named_and_refused(
    graph: Store, tmp_path: Path, title: str, message: str
) -> None:
    book = Workbook()
    declaration = book.active
    assert declaration is not None
    declaration.title = "Declaration"
    declaration.append([title])
    book.create_sheet("Smelter List").append(["Metal", "Smelter Name", "Smelter Country"])
    path = tmp_path / "rmi.xlsx"
    book.save(path)
    before = contents(graph)
    with pytest.raises(LoadError) as refused:
        _import(graph, path)
    assert f"Declaration!A1: template: this is an RMI {message}" in str(refused.value)
    assert contents(graph) == before


def _rounds() -> list[dict[str, str]]:
    """The spellings in rounds that name each company at most once (a supplier listed twice
    in one sheet repeats its facts and is refused), as {spelling: company}."""
    rounds: list[dict[str, str]] = []
    for name, company in VARIANTS:
        free = [r for r in rounds if company not in r.values()]
        if free:
            free[0][name] = company
        else:
            rounds.append({name: company})
    return rounds


def _respelled(folder: Path, spellings: dict[str, str], example: dict[str, str]) -> None:
    """The example's own suppliers respelled where a round names them (in both sheets that
    use the name); every other spelling appended to the supplier sheet."""
    renamed = {example[c]: n for n, c in spellings.items() if c in example}
    for sheet in ("suppliers.csv", "sourcing.csv"):
        path = folder / sheet
        with path.open(newline="", encoding="utf-8") as f:
            rows = [[renamed.get(cell, cell) for cell in row] for row in csv.reader(f)]
        if sheet == "suppliers.csv":
            rows += [
                [n, "CN", "", "magnet_maker"] for n, c in spellings.items() if c not in example
            ]
        with path.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)


def test_the_review_matches_every_spelling_or_flags_it(graph: Store, tmp_path: Path) -> None:
    """23 spellings of bundled companies (legal suffixes, case, transliteration, typos, other
    names), a close but different company and a genuinely new one, in the example's supplier
    sheet: each dry run's review matches every spelling to its company, flags the close one
    with its candidate, calls the new one new, and writes nothing."""
    example = {
        "jl-mag": "JL MAG Rare-Earth Co., Ltd.",
        "vacuumschmelze": "Vacuumschmelze GmbH & Co. KG",
    }
    before = contents(graph)
    found: dict[str, Match] = {}
    for number, spellings in enumerate(_rounds()):
        folder = as_csv_folder(tmp_path / f"round-{number}")
        _respelled(folder, spellings, example)
        if number == 0:
            with (folder / "suppliers.csv").open("a", newline="", encoding="utf-8") as f:
                csv.writer(f).writerow([CLOSE_NAME[0], "US", "", "magnet_maker"])
        result = _import(graph, folder, dry_run=True)
        review = "\n".join(result.review)
        assert all(name in review for name in spellings)
        found.update({m.name: m for m in result.matches})
    assert contents(graph) == before
    wrong = {
        name: (found[name].verdict.value, found[name].company)
        for name, company in VARIANTS
        if not (found[name].merged and found[name].company == company)
    }
    assert wrong == {}
    close = found[CLOSE_NAME[0]]
    assert close.verdict is Verdict.AMBIGUOUS and close.company == CLOSE_NAME[1]
    assert [c.company for c in close.candidates] == [CLOSE_NAME[2]]
    new = found[NEW_NAME[0]]
    assert (new.verdict, new.company) == (Verdict.NEW, NEW_NAME[1])
