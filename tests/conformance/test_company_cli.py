"""The real ``supplygraph template`` and ``supplygraph import company`` commands, run as
subprocesses on every store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.support.served import cli, store_env
from tests.support.stores import DATASET, STORE_KINDS
from tests.support.workbooks import AMRT, EXAMPLE


@pytest.fixture(params=STORE_KINDS)
def env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    return store_env(request, request.param, tmp_path)


def test_template_then_the_example_imports_with_its_review(
    env: dict[str, str], tmp_path: Path
) -> None:
    blank = tmp_path / "blank.xlsx"
    assert cli("template", str(blank), env=env).returncode == 0
    sheets = load_workbook(blank).sheetnames
    assert sheets == ["README", "products", "bom", "suppliers", "sourcing", "stock"]
    refused = cli("import", "company", str(blank), "--owner", "kestrel-motors", env=env)
    assert refused.returncode == 2, refused.stderr
    assert "products!A2: product: the sheet has no products" in refused.stderr

    assert cli("load", str(DATASET), env=env).returncode == 0
    book = tmp_path / "kestrel.xlsx"
    shutil.copy(EXAMPLE, book)
    dry = cli("import", "company", str(book), "--owner", "kestrel-motors", "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "dry run, nothing written" in dry.stdout
    assert not (tmp_path / "kestrel.mapping.csv").exists()

    done = cli("import", "company", str(book), "--owner", "kestrel-motors", env=env)
    assert done.returncode == 0, done.stderr
    out = " ".join(done.stdout.split())
    assert "matched 'JL MAG Rare-Earth Co., Ltd.' -> jl-mag (score 100.0)" in out
    assert "new 'Acme Magnetics GmbH' -> new company acme-magnetics" in out
    assert "supplier added: acme-magnetics" in out
    review = (tmp_path / "kestrel.review.txt").read_text(encoding="utf-8")
    assert "matched   'Vacuumschmelze GmbH & Co. KG' -> vacuumschmelze" in review
    mapping = (tmp_path / "kestrel.mapping.csv").read_text(encoding="utf-8")
    assert "Acme Magnetics GmbH,acme-magnetics,new" in mapping

    again = cli("import", "company", str(book), "--owner", "kestrel-motors", env=env)
    assert again.returncode == 0, again.stderr
    assert "mapped 'Acme Magnetics GmbH' -> acme-magnetics (mapping file)" in " ".join(
        again.stdout.split()
    )
    # 16 facts and the alias of Vacuumschmelze (its workbook spelling lacks "(VAC)").
    assert "facts: 0 added, 0 dropped, 17 restated" in again.stdout


def test_import_amrt_through_the_cli(env: dict[str, str], tmp_path: Path) -> None:
    assert cli("load", str(DATASET), "--quiet", env=env).returncode == 0
    amrt = tmp_path / "jl-mag-amrt.xlsx"
    shutil.copy(AMRT, amrt)
    done = cli("import", "amrt", str(amrt), "--supplier", "jl-mag", env=env)
    assert done.returncode == 0, done.stderr
    out = " ".join(done.stdout.split())
    assert "new 'REEtec AS' -> new company reetec" in out
    assert "skipped Smelter List row 7: Aluminum, not rare earths" in out
    assert "supplier added: reetec" in out and "source amrt-jl-mag" in out
    assert "REEtec AS,reetec,new" in (tmp_path / "jl-mag-amrt.mapping.csv").read_text()
    book = load_workbook(amrt)
    book["Smelter List"]["E6"] = "Atlantis"
    book.save(amrt)
    refused = cli("import", "amrt", str(amrt), "--supplier", "jl-mag", env=env)
    assert refused.returncode == 2, refused.stdout
    assert "Smelter List!E6: country: 'Atlantis' is not a country name" in refused.stderr
