"""Public releases imported on every store: USGS MCS (the real 2024 rare-earths files,
unmodified, and hand-written 2025 and 2026 layouts), UN Comtrade and CEPII BACI."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import Label, RelType
from graph.records import RelRef
from graph.snapshots import SnapshotCache
from graph.stores.base import Store
from loaders.importer import ReleaseFormat, import_release
from loaders.load import load
from tests.support.stores import DATASET, REPO, contents

SHARED = Path("/work/shared/data")
MCS2024_WORLD = SHARED / "usgs-mcs2024-world"
MCS2024_SALIENT = SHARED / "usgs-mcs2024-salient"
RELEASES = REPO / "tests" / "data" / "releases"

needs_shared = pytest.mark.skipif(
    not (MCS2024_WORLD / "mcs2024-raree_world.csv").is_file(),
    reason="the real USGS MCS 2024 files are not on this machine",
)


def _imp(store: Store, kind: ReleaseFormat, path: Path) -> None:
    import_release(kind, path, store=store, batch_size=7)


def _rels(store: Store, rel: RelType) -> list[RelRef]:
    return list(store.extract_relationships([rel]))


def _produces(store: Store, source: str) -> dict[tuple[str, int], float]:
    return {
        (r.start, int(r.properties["year"])): float(r.properties["tonnes"])
        for r in _rels(store, RelType.PRODUCES)
        if r.properties["source"] == source
    }


def _observation(store: Store, obs_id: str) -> dict[str, object]:
    (node,) = store.nodes(Label.OBSERVATION, [obs_id])
    return dict(node.properties)


@needs_shared
def test_the_real_mcs_2024_rare_earths_files_import_unmodified(store: Store) -> None:
    _imp(store, ReleaseFormat.USGS_MCS, MCS2024_WORLD)
    _imp(store, ReleaseFormat.USGS_MCS, MCS2024_SALIENT)
    produced = _produces(store, "usgs-mcs-2024-ree")
    # The file: China 210,000 t (2022) and 240,000 t (2023); 15 countries, two years each.
    assert produced[("CN", 2023)] == 240_000
    assert produced[("CN", 2022)] == 210_000
    assert produced[("MM", 2023)] == 38_000
    assert len(produced) == 30
    assert {r.end for r in _rels(store, RelType.PRODUCES)} == {"re-concentrate"}
    reserves = _observation(store, "obs-usgs-mcs-2024-ree-reserves-cn-2023")
    assert reserves["value"] == 44_000_000 and reserves["unit"] == "t"
    world = _observation(store, "obs-usgs-mcs-2024-ree-world-production-2023")
    assert world["value"] == 350_000
    assert "353,320 t" in str(world["note"]) and "-3,320 t" in str(world["note"])
    (source,) = store.nodes(Label.SOURCE, ["usgs-mcs-2024-ree"])
    assert source.properties["url"] == "https://doi.org/10.5066/P144BA54"
    (material,) = store.nodes(Label.MATERIAL, ["re-concentrate"])
    assert material.properties["stage"] == "mining"
    nir = _observation(
        store, "obs-usgs-mcs-2024-ree-us-net-import-reliance-compounds-and-metals-us-2023"
    )
    assert nir["value"] == 95 and "more than" in str(nir["note"])
    assert store.graph_version().version == 2


@needs_shared
def test_an_import_twice_changes_nothing(store: Store) -> None:
    _imp(store, ReleaseFormat.USGS_MCS, MCS2024_WORLD)
    before = contents(store)
    report = import_release(ReleaseFormat.USGS_MCS, MCS2024_WORLD, store=store, batch_size=50)
    assert report.summary.total.created == 0
    assert contents(store) == before


@needs_shared
def test_a_later_edition_keeps_the_earlier_figures_beside_its_revisions(store: Store) -> None:
    _imp(store, ReleaseFormat.USGS_MCS, MCS2024_WORLD)
    _imp(store, ReleaseFormat.USGS_MCS, RELEASES / "mcs2025")
    assert _produces(store, "usgs-mcs-2024-ree")[("CN", 2023)] == 240_000
    assert _produces(store, "usgs-mcs-2025-ree")[("CN", 2023)] == 255_000
    assert _produces(store, "usgs-mcs-2025-ree")[("CN", 2024)] == 270_000


def test_the_2025_layout_in_either_encoding_gives_the_same_graph(
    store: Store, tmp_path: Path
) -> None:
    _imp(store, ReleaseFormat.USGS_MCS, RELEASES / "mcs2025")
    utf8 = contents(store)
    produced = _produces(store, "usgs-mcs-2025-ree")
    assert produced[("US", 2024)] == 45_000  # "United States " with its trailing space
    assert produced[("ZZ", 2024)] == 1_100  # Other countries
    assert sum(t for (_, year), t in produced.items() if year == 2024) == 393_950
    world = _observation(store, "obs-usgs-mcs-2025-ree-world-production-2024")
    assert "393,950 t" in str(world["note"]) and "390,000 t" in str(world["note"])
    assert not any(
        r.properties["source"] != "usgs-mcs-2025-ree" for r in _rels(store, RelType.PRODUCES)
    )
    store.clear()
    _imp(store, ReleaseFormat.USGS_MCS, RELEASES / "mcs2025-cp1252")
    assert contents(store) == utf8


def test_the_2026_long_layout_imports(store: Store) -> None:
    _imp(store, ReleaseFormat.USGS_MCS, RELEASES / "mcs2026")
    produced = _produces(store, "usgs-mcs-2026-ree")
    assert produced == {
        ("CN", 2024): 270_000,
        ("CN", 2025): 280_000,
        ("US", 2024): 45_000,
        ("US", 2025): 51_000,
        ("MM", 2025): 31_000,
        ("KR", 2025): 0,
        ("ZZ", 2025): 8_000,
    }
    (cn_2025,) = [
        r
        for r in _rels(store, RelType.PRODUCES)
        if r.start == "CN" and r.properties["year"] == 2025
    ]
    assert "estimate" in str(cn_2025.properties["note"])
    (source,) = store.nodes(Label.SOURCE, ["usgs-mcs-2026-ree"])
    assert source.properties["url"] == "https://doi.org/10.5066/P1WKQ63T"
    assert store.count(Label.COUNTRY) == 5  # cobalt's Congo (Kinshasa) row is not imported


def test_mcs_2025_over_the_bundled_dataset_merges_onto_its_rows(store: Store) -> None:
    """The dataset's USGS 2025 market shares use the same source id and key, so the import
    restates them instead of doubling them, and leaves the dataset's Source as it was."""
    load(store=store, path=str(DATASET))
    (source_before,) = store.nodes(Label.SOURCE, ["usgs-mcs-2025-ree"])
    before = _produces(store, "usgs-mcs-2025-ree")
    report = import_release(
        ReleaseFormat.USGS_MCS, RELEASES / "mcs2025", store=store, batch_size=50
    )
    after = _produces(store, "usgs-mcs-2025-ree")
    assert {k: v for k, v in after.items() if k[1] == 2024} == before
    assert report.summary.relationships["PRODUCES"].matched == len(before) == 13
    assert report.summary.relationships["PRODUCES"].created == 13  # the 2023 column
    (source_after,) = store.nodes(Label.SOURCE, ["usgs-mcs-2025-ree"])
    assert source_after.properties == source_before.properties
    assert SnapshotCache().get(store).exposure("suzuki-swift", "CN").share > 0


def _trades(store: Store) -> dict[tuple[str, str, str], RelRef]:
    return {(r.start, r.end, str(r.properties["hs_code"])): r for r in _rels(store, RelType.TRADES)}


def test_a_comtrade_download_becomes_trade_flows(store: Store) -> None:
    load(store=store, path=str(DATASET))
    before = SnapshotCache().get(store).exposure("maruti-suzuki-cars", "CN")
    _imp(store, ReleaseFormat.COMTRADE, RELEASES / "comtrade")
    after = SnapshotCache().get(store).exposure("maruti-suzuki-cars", "CN")
    assert before.share > 0
    # The engine extracts TRADES but no rule reads it yet: answers are unchanged.
    assert after.share == before.share
    assert after.stages == before.stages and after.paths == before.paths
    flows = _trades(store)
    magnets = flows[("CN", "IN", "8505.11")].properties
    # The total row only (its sea and air breakdown rows are not added), the importer's
    # figure, China's own declaration kept beside it.
    assert magnets["tonnes"] == 600 and magnets["value_usd"] == 31_200_000
    assert magnets["reported_by"] == "importer"
    assert magnets["mirror_tonnes"] == 655 and magnets["mirror_value_usd"] == 33_900_000
    assert magnets["item"] == "ndfeb-sintered" and magnets["year"] == 2024
    assert magnets["source"] == "un-comtrade-2024"
    india_re_magnets = sum(
        float(r.properties["tonnes"])
        for (_, importer, hs), r in flows.items()
        if importer == "IN" and hs == "8505.11"
    )
    assert india_re_magnets == 700  # CN 600 + JP 60 + US 40 (partnerISO empty: code 842)
    ferrite = flows[("CN", "IN", "8505.19")].properties
    assert ferrite["item"] == "ferrite" and ferrite["scope"] == "ferrite"
    assert flows[("CN", "VN", "8505.11")].properties["reported_by"] == "exporter"
    assert ("CN", "US", "8505.11") in flows  # reporterISO empty: reporterCode 842
    assert len(flows) == 9  # no World partner, no re-export
    (ce,) = store.nodes(Label.MATERIAL, ["ce-compounds"])
    assert ce.properties["hs_code"] == "2846.10" and ce.properties["stage"] == "separation"
    (ndfeb,) = store.nodes(Label.MAGNET_TYPE, ["ndfeb-sintered"])
    assert ndfeb.properties["source"] == "sg-domain-brief"  # the dataset's node, untouched


def test_a_baci_file_becomes_trade_flows(store: Store) -> None:
    _imp(store, ReleaseFormat.BACI, RELEASES / "baci" / "BACI_HS22_Y2023_V202501.csv")
    flows = _trades(store)
    assert len(flows) == 9  # 12 rows, 3 outside the rare-earth codes
    magnets = flows[("CN", "IN", "8505.11")].properties
    assert magnets["tonnes"] == pytest.approx(612.3)
    assert magnets["value_usd"] == pytest.approx(28_102_500)
    assert magnets["reported_by"] == "reconciled" and magnets["year"] == 2023
    assert magnets["source"] == "cepii-baci-hs22-v202501"
    assert "tonnes" not in flows[("US", "IN", "8505.11")].properties  # q = NA
    assert ("ZZ", "IN", "2846.90") in flows  # BACI 490, Other Asia nes
    (ferrite,) = store.nodes(Label.MAGNET_TYPE, ["ferrite"])
    assert ferrite.properties["rare_earth"] is False
    assert store.count(Label.COUNTRY) == 7
