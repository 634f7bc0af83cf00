"""Export to the neo4j-admin CSV layout and GraphML, and load it back, on every store."""

from __future__ import annotations

import csv
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from graph.errors import LoadError
from graph.model import Label, RelType
from graph.snapshots import SnapshotCache
from graph.stores.base import Store
from loaders.formats.graphml import export_graphml
from loaders.formats.neo4j_admin import export_neo4j_admin
from loaders.load import load
from tests.support import neo4j_server as provisioning
from tests.support.neo4j_server import Neo4jServer
from tests.support.stores import DATASET, contents, open_embedded


def _answers(store: Store) -> list[tuple[str, float, str]]:
    snapshot = SnapshotCache().get(store)
    return [
        (d.subject.id, round(d.share, 12), d.stage.value)
        for item in (None, "ndfeb-sintered", "Dy")
        for d in snapshot.dependents("CN", item)
    ]


def test_export_then_load_round_trips(store: Store, tmp_path: Path) -> None:
    load(store=store, path=str(DATASET))
    before, answers = contents(store), _answers(store)
    summary = export_neo4j_admin(store=store, folder=tmp_path / "dump")
    assert summary.nodes == len(before[0]) and summary.relationships == len(before[1])
    assert "import.sh" in summary.files
    header = (tmp_path / "dump" / "nodes_Company.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("id:ID,") and header.endswith(",:LABEL")
    assert "roles:string[]" in header
    store.clear()
    loaded, _ = load(store=store, path=str(tmp_path / "dump"))
    assert loaded.total.created == summary.nodes + summary.relationships
    assert contents(store) == before
    assert _answers(store) == answers


def test_export_keeps_formula_like_text_exact(store: Store, tmp_path: Path) -> None:
    """Only the audit CSV (for spreadsheets) neutralises formula cells; the neo4j-admin
    layout is data interchange and keeps every cell as it is (docs/stores.md)."""
    data = tmp_path / "data"
    shutil.copytree(DATASET, data)
    with (data / "companies.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    name, note = '=HYPERLINK("http://example.test")', "@SUM(A1) +1 -2"
    rows[0].update(name=name, note=note)
    with (data / "companies.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    load(store=store, path=str(data))
    export_neo4j_admin(store=store, folder=tmp_path / "dump")
    with (tmp_path / "dump" / "nodes_Company.csv").open(newline="", encoding="utf-8") as f:
        exported = {r["id:ID"]: r for r in csv.DictReader(f)}
    assert exported[rows[0]["id"]]["name:string"] == name
    assert exported[rows[0]["id"]]["note:string"] == note
    store.clear()
    load(store=store, path=str(tmp_path / "dump"))
    [company] = store.nodes(Label.COMPANY, [rows[0]["id"]])
    assert (company.properties["name"], company.properties["note"]) == (name, note)


def test_graphml_holds_every_node_and_edge(loaded_store: Store, tmp_path: Path) -> None:
    summary = export_graphml(store=loaded_store, path=tmp_path / "graph.graphml")
    root = ET.parse(tmp_path / "graph.graphml").getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    nodes = root.findall("g:graph/g:node", ns)
    edges = root.findall("g:graph/g:edge", ns)
    counts = loaded_store.counts()
    assert len(nodes) == summary.nodes == sum(counts[label.value] for label in Label)
    assert len(edges) == summary.relationships == sum(counts[rel.value] for rel in RelType)
    swift = next(n for n in nodes if n.get("id") == "suzuki-swift")
    assert {d.get("key"): d.text for d in swift}["n_labels"] == ":Product"


def test_bad_dump_rows_are_listed(store: Store, tmp_path: Path) -> None:
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "nodes_Product.csv").write_text(
        "id:ID,name:string,colour:string,:LABEL\np,P,red,Product\nq,Q,,Gadget\n",
        encoding="utf-8",
    )
    (dump / "relationships_CONTAINS.csv").write_text(
        ":START_ID,:END_ID,:TYPE,share:double\nq,p,CONTAINS,lots\nx,p,CONTAINS,0.5\n",
        encoding="utf-8",
    )
    with pytest.raises(LoadError) as caught:
        load(store=store, path=str(dump))
    assert [str(p) for p in caught.value.problems] == [
        "nodes_Product.csv:2: colour: is not a declared property",
        "nodes_Product.csv:3: :LABEL: unknown label 'Gadget'",
        "relationships_CONTAINS.csv:2: share: 'lots' is not a valid DOUBLE: could not convert "
        "string to float: 'lots'",
        "relationships_CONTAINS.csv:3: :START_ID: 'x' is not defined in the files or the store",
    ]
    assert store.count(Label.PRODUCT) == 0


@pytest.mark.neo4j
def test_an_embedded_export_loads_into_neo4j_with_equal_counts_and_answers(
    neo4j_server: Neo4jServer, tmp_path: Path
) -> None:
    embedded = open_embedded(tmp_path / "graph")
    neo4j = neo4j_server.open()
    try:
        load(store=embedded, path=str(DATASET))
        export_neo4j_admin(store=embedded, folder=tmp_path / "dump")
        neo4j.clear()
        load(store=neo4j, path=str(tmp_path / "dump"))
        assert neo4j.counts() == embedded.counts()
        assert contents(neo4j) == contents(embedded)
        assert _answers(neo4j) == _answers(embedded)
    finally:
        embedded.close()
        neo4j.close()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.neo4j
@pytest.mark.slow
def test_the_exported_import_script_imports_into_neo4j_5(
    neo4j_server: Neo4jServer, tmp_path: Path
) -> None:
    """import.sh as a user runs it, with neo4j-admin 5.26 on the PATH, into a stopped
    server's database; the started server then holds exactly the exported graph. Both
    stores write the same files byte for byte, so one import (one scratch server, the
    slowest step of the suite) stands for both."""
    embedded = open_embedded(tmp_path / "graph")
    neo4j = neo4j_server.open()
    try:
        neo4j.clear()
        for store, folder in ((embedded, "dump"), (neo4j, "dump-neo4j")):
            store.ensure_schema()
            load(store=store, path=str(DATASET))
            export_neo4j_admin(store=store, folder=tmp_path / folder)
        assert _files(tmp_path / "dump-neo4j") == _files(tmp_path / "dump")
        home = tmp_path / "neo4j"
        env = provisioning.scratch_home(home=home, like=neo4j_server, bin_dir=tmp_path / "bin")
        script = tmp_path / "dump" / "import.sh"
        done = subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        server = provisioning.start(
            home=home,
            bolt_port=provisioning.free_port(),
            http_port=provisioning.free_port(),
            settings={"NEO4J_HEAP": "512m", "NEO4J_PAGECACHE": "64m"},
        )
        try:
            imported = server.open()
            try:
                assert imported.counts() == embedded.counts()
                assert contents(imported) == contents(embedded)
            finally:
                imported.close()
        finally:
            provisioning.stop(server)
    finally:
        embedded.close()
        neo4j.close()
