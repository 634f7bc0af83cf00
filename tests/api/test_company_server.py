"""Company workbooks through the running server (POST /imports/company): in process on each
store, and once through the real CLI against a real server."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl.worksheet.worksheet import Worksheet

from api.keys import KeyRing, Role
from tests.support.asgi import Client, fresh_settings, in_process, load_into
from tests.support.served import cli, serving, store_env
from tests.support.service import bearer, keys_for
from tests.support.stores import DATASET, STORE_KINDS
from tests.support.workbooks import AMRT, OWNER, drop_rows, edited

pytestmark = pytest.mark.anyio
MAGNET = """{ exposure(product: "kestrel-motors-kestrel-s1", country: "CN") {
  stages { stage share companyShare } } }"""


@pytest.fixture(params=STORE_KINDS)
async def served(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[Client, str, str]]:
    settings = fresh_settings(request, request.param, tmp_path)
    load_into(settings, DATASET)
    settings, reader, writer = keys_for(settings, tmp_path)
    async with in_process(settings) as client:
        yield client, reader, writer


async def _post(
    client: Client, book: Path, key: str, *, dry_run: bool = False, owner: str = OWNER
) -> Any:
    return await client.post(
        "/imports/company",
        data={"owner": owner, "dry_run": str(dry_run).lower()},
        files=[("file", (book.name, book.read_bytes()))],
        headers=bearer(key),
    )


async def _version(client: Client) -> int:
    version: int = (await client.get("/readyz")).json()["graph_version"]
    return version


async def _magnet(client: Client) -> tuple[float, float] | None:
    body = (await client.post("/graphql", json={"query": MAGNET})).json()
    if body["data"]["exposure"] is None:
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body
        return None
    (stage,) = [s for s in body["data"]["exposure"]["stages"] if s["stage"] == "magnet"]
    return round(stage["share"], 9), round(stage["companyShare"], 9)


async def _aliases(client: Client) -> Any:
    query = '{ company(id: "vacuumschmelze") { name aliases { name source } } }'
    body = (await client.post("/graphql", json={"query": query})).json()
    assert body["data"]["company"]["name"] == "Vacuumschmelze GmbH & Co. KG (VAC)", body
    return body["data"]["company"]["aliases"]


def _without_vac(sheets: dict[str, Worksheet]) -> None:
    drop_rows(sheets["suppliers"], "Vacuumschmelze GmbH & Co. KG")
    drop_rows(sheets["sourcing"], "Vacuumschmelze GmbH & Co. KG")
    sheets["sourcing"]["C2"] = 1.0


def _share_over_one(sheets: dict[str, Worksheet]) -> None:
    sheets["bom"]["E3"] = 1.4


async def test_an_import_a_reimport_and_refusals_through_the_server(
    served: tuple[Client, str, str], tmp_path: Path
) -> None:
    client, reader, writer = served
    book = edited(tmp_path / "v1.xlsx")

    forbidden = await _post(client, book, reader)
    assert forbidden.status_code == 403, forbidden.text
    assert forbidden.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = await client.post(
        "/imports/company", data={"owner": OWNER}, files=[("file", ("v1.xlsx", b""))]
    )
    assert anonymous.status_code == 401
    assert await _version(client) == 1
    assert await _magnet(client) is None

    dry = await _post(client, book, writer, dry_run=True)
    assert dry.status_code == 200, dry.text
    assert dry.json()["graphVersion"] is None and dry.json()["dryRun"] is True
    assert await _version(client) == 1 and await _magnet(client) is None

    first = await _post(client, book, writer)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["graphVersion"] == 2 and body["source"] == "company-kestrel-motors"
    assert body["change"]["suppliersAdded"] == ["acme-magnetics", "jl-mag", "vacuumschmelze"]
    review = " ".join(" ".join(body["review"]).split())
    assert "matched 'JL MAG Rare-Earth Co., Ltd.' -> jl-mag (score 100.0)" in review
    assert "Acme Magnetics GmbH,acme-magnetics,new" in body["mapping"]
    assert await _version(client) == 2
    assert await _aliases(client) == [
        {"name": "Vacuumschmelze GmbH & Co. KG", "source": "company-kestrel-motors"}
    ]
    # As tests/conformance/test_company.py works it by hand: 0.9 * 0.7 (JL Mag, CN plants)
    # + 0.9 * 0.3 * 0 (VAC, DE) + 0.1 * 1.0 * 0 (Acme, DE) = 0.63, all company-level.
    assert await _magnet(client) == (0.63, 0.63)

    again = await _post(client, edited(tmp_path / "v2.xlsx", _without_vac), writer)
    assert again.status_code == 200, again.text
    change = again.json()["change"]
    assert change["suppliersDropped"] == ["vacuumschmelze"] and change["suppliersAdded"] == []
    assert change["factsDropped"] == 2  # VAC's sourcing and its alias
    assert change["sharesChanged"] == [
        {
            "fact": "SOURCES_FROM|kestrel-motors-hub-motor|jl-mag|company-kestrel-motors"
            "|ndfeb-sintered-dytb|2025",
            "old": 0.7,
            "new": 1.0,
        }
    ]
    assert await _version(client) == 3
    assert await _aliases(client) == []
    # VAC gone, JL Mag at 1.0: 0.9 * 1.0 + 0.1 * 1.0 * 0 = 0.9.
    assert await _magnet(client) == (0.9, 0.9)

    bad = await _post(client, edited(tmp_path / "bad.xlsx", _share_over_one), writer)
    assert bad.status_code == 400, bad.text
    error = bad.json()["errors"][0]
    assert error["extensions"]["code"] == "IMPORT_REFUSED"
    (problem,) = error["extensions"]["problems"]
    assert (problem["sheet"], problem["cell"], problem["field"]) == ("bom", "E3", "share")
    assert problem["text"] == "bom!E3: share: Input should be less than or equal to 1 (got '1.4')"
    assert await _version(client) == 3
    assert await _magnet(client) == (0.9, 0.9)

    csv = await client.post(
        "/imports/company",
        data={"owner": OWNER},
        files=[("file", ("notes.txt", b"x"))],
        headers=bearer(writer),
    )
    assert csv.status_code == 400 and csv.json()["errors"][0]["extensions"]["code"] == "BAD_UPLOAD"


async def test_an_amrt_through_the_server(served: tuple[Client, str, str], tmp_path: Path) -> None:
    client, reader, writer = served

    async def post(key: str, **fields: str) -> Any:
        return await client.post(
            "/imports/amrt",
            data=fields,
            files=[("file", (AMRT.name, AMRT.read_bytes()))],
            headers=bearer(key),
        )

    assert (await post(reader, supplier="jl-mag")).status_code == 403
    assert (await post(writer, owner="jl-mag")).status_code == 400  # the field is `supplier`
    unknown = await post(writer, supplier="nobody")
    assert unknown.status_code == 400
    (problem,) = unknown.json()["errors"][0]["extensions"]["problems"]
    assert problem["text"] == (
        "Declaration!D8: company_name: --supplier 'nobody' is no company in the graph"
    )
    assert await _version(client) == 1
    done = await post(writer, supplier="jl-mag")
    assert done.status_code == 200, done.text
    assert done.json()["source"] == "amrt-jl-mag" and done.json()["graphVersion"] == 2
    assert done.json()["change"]["suppliersAdded"] == ["fujian-golden-dragon", "reetec"]
    query = '{ company(id: "reetec") { country facilities { id } } }'
    body = (await client.post("/graphql", json={"query": query})).json()
    assert body["data"]["company"] == {
        "country": "NO",
        "facilities": [{"id": "reetec-separation-no"}],
    }


def test_the_cli_imports_through_a_real_server(tmp_path: Path) -> None:
    env = store_env(None, "embedded", tmp_path)
    assert cli("load", str(DATASET), "--quiet", env=env).returncode == 0
    ring = KeyRing(tmp_path / "keys.json")
    writer = ring.add("writer-1", Role.WRITER)
    env["SUPPLYGRAPH_KEYS_FILE"] = str(ring.path)
    book = edited(tmp_path / "kestrel.xlsx")
    with serving(env, tmp_path) as base:
        client_env = {**env, "SUPPLYGRAPH_KEY": writer}
        done = cli(
            "import", "company", str(book), "--owner", OWNER, "--server", base, env=client_env
        )
        assert done.returncode == 0, done.stderr
        out = " ".join(done.stdout.split())
        assert "matched 'JL MAG Rare-Earth Co., Ltd.' -> jl-mag (score 100.0)" in out
        assert "supplier added: acme-magnetics" in out
        assert "graph version 2" in out
        mapping = (tmp_path / "kestrel.mapping.csv").read_text(encoding="utf-8")
        assert "Acme Magnetics GmbH,acme-magnetics,new" in mapping
        assert "supplier added: acme-magnetics" in (tmp_path / "kestrel.review.txt").read_text()

        bad = edited(tmp_path / "bad.xlsx", _share_over_one)
        refused = cli(
            "import", "company", str(bad), "--owner", OWNER, "--server", base, env=client_env
        )
        assert refused.returncode == 2, refused.stdout
        assert "bom!E3: share: Input should be less than or equal to 1" in refused.stderr
        shutil.copy(AMRT, tmp_path / "amrt.xlsx")
        amrt = cli(
            "import",
            "amrt",
            str(tmp_path / "amrt.xlsx"),
            "--supplier",
            "jl-mag",
            "--server",
            base,
            env=client_env,
        )
        assert amrt.returncode == 0, amrt.stderr
        assert "new 'REEtec AS' -> new company reetec" in " ".join(amrt.stdout.split())
        assert "REEtec AS,reetec,new" in (tmp_path / "amrt.mapping.csv").read_text()
        unkeyed = cli("import", "company", str(book), "--owner", OWNER, "--server", base, env=env)
        assert unkeyed.returncode == 3
