"""The GraphQL API over HTTP, in process on each store (the ``api`` fixture: the real app
with its lifespan, serving the bundled dataset). tests/api/test_served.py is the one test
of a real server."""

from __future__ import annotations

import pytest

from tests.support.asgi import Client, gql

pytestmark = pytest.mark.anyio

SEED_PRODUCTS = {"suzuki-swift", "maruti-suzuki-cars", "india-indigenous-mri"}


async def test_health_and_readiness(api: Client) -> None:
    assert (await api.get("/healthz")).json() == {"status": "ok"}
    ready = (await api.get("/readyz")).json()
    assert ready["status"] == "ready" and ready["graph_version"] == 1


async def test_graphiql_is_served(api: Client) -> None:
    page = await api.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


async def test_dependents_on_chinese_sintered_ndfeb_lists_the_seed_products(api: Client) -> None:
    body = await gql(
        api,
        """query($c: String!, $i: ID) { dependents(country: $c, item: $i) {
             product { id name } share stage oems { id } endUses { id } } }""",
        c="CN",
        i="ndfeb-sintered",
    )
    rows = body["data"]["dependents"]
    ids = [r["product"]["id"] for r in rows]
    assert SEED_PRODUCTS <= set(ids)
    shares = [r["share"] for r in rows]
    assert shares == sorted(shares, reverse=True) and all(0 < s <= 1 for s in shares)
    swift = next(r for r in rows if r["product"]["id"] == "suzuki-swift")
    assert swift["oems"] == [{"id": "suzuki-motor"}]
    assert swift["endUses"] == [{"id": "automotive"}]


async def test_exposure_has_stages_paths_and_sources(api: Client) -> None:
    body = await gql(
        api,
        """{ exposure(product: "india-indigenous-mri", country: "IN") {
             share stage graphVersion
             stages { stage share basis coverage }
             paths { share basis steps { item { id } supplier { id } } }
             sources { id title } } }""",
    )
    answer = body["data"]["exposure"]
    stages = {s["stage"]: s for s in answer["stages"]}
    assert stages["magnet"]["basis"] == "company"
    assert stages["magnet"]["share"] == pytest.approx(1.0)
    assert answer["paths"][0]["steps"][-1]["supplier"] == {"id": "paras-defence"}
    assert "seed-bs-rediff-2025-06" in {s["id"] for s in answer["sources"]}


async def test_pagination_walks_all_products(api: Client) -> None:
    query = """query($after: String) { products(first: 3, after: $after) {
                 totalCount pageInfo { hasNextPage endCursor } nodes { id } } }"""
    seen: list[str] = []
    after = None
    while True:
        page = (await gql(api, query, after=after))["data"]["products"]
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted(seen) and len(seen) == page["totalCount"] == len(set(seen))


async def test_lookups_and_relations(api: Client) -> None:
    body = await gql(
        api,
        """{ company(id: "jl-mag") { name country cited { id } }
                        product(id: "suzuki-swift") { oems { id } endUses { id } }
                        entity(id: "Dy") { __typename name } nothing: product(id: "x") { id } }""",
    )
    data = body["data"]
    assert data["company"]["country"] == "CN"
    assert data["product"]["oems"] == [{"id": "suzuki-motor"}]
    assert data["entity"] == {"__typename": "Element", "name": "Dysprosium"}
    assert data["nothing"] is None


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ('{ exposure(product: "nope", country: "CN") { share } }', "NOT_FOUND"),
        ('{ dependents(country: "XX") { share } }', "NOT_FOUND"),
        ("{ products(first: 0) { totalCount } }", "BAD_REQUEST"),
        ('{ products(after: "garbage!") { totalCount } }', "BAD_REQUEST"),
        ("{ exposure(product: ) }", "GRAPHQL_VALIDATION"),
        ("{ noSuchField }", "GRAPHQL_VALIDATION"),
    ],
)
async def test_errors_are_typed_and_leak_nothing(api: Client, query: str, code: str) -> None:
    body = await gql(api, query)
    assert [e["extensions"]["code"] for e in body["errors"]] == [code]
    assert 'File "' not in str(body)


async def test_validation_cache_refuses_a_repeated_bad_document_and_keeps_texts_apart(
    api: Client,
) -> None:
    """Validation is cached by document text: the second identical bad document is refused
    the same way, and a valid document asked in between is not given its errors."""
    bad = "{ noSuchFieldTwice }"
    first = await gql(api, bad)
    good = await gql(api, '{ nothing: entity(id: "no-such-id") { __typename } }')
    again = await gql(api, bad)
    assert [e["extensions"]["code"] for e in first["errors"]] == ["GRAPHQL_VALIDATION"]
    assert again["errors"] == first["errors"]
    assert "errors" not in good and good["data"] == {"nothing": None}


async def test_scenario_over_http_honours_the_suspension(api: Client) -> None:
    query = """query($c: ID!, $asOf: Date!) { scenario(control: $c, approvalRate: 0.25,
                 durationWeeks: 8, asOf: $asOf) {
                 inForce status covered { id } products { product { id } shortfall
                 coverWeeks weeksToStockout runsOutWithinDuration } endUses { entity { id }
                 shortfall products } volumes { item { id } shortfallTonnes } sources { id } } }"""
    answer = (await gql(api, query, c="cn-mofcom-18-2025", asOf="2025-06-15"))["data"]["scenario"]
    assert answer["inForce"] and "ndfeb-sintered-dytb" in {c["id"] for c in answer["covered"]}
    maruti = next(p for p in answer["products"] if p["product"]["id"] == "maruti-suzuki-cars")
    assert maruti["coverWeeks"] == [6.0, 8.0]
    assert maruti["weeksToStockout"][0] == pytest.approx(6 / maruti["shortfall"])
    assert "automotive" in {g["entity"]["id"] for g in answer["endUses"]}
    assert "mofcom-gac-2025-18" in {s["id"] for s in answer["sources"]}
    suspended = (await gql(api, query, c="cn-mofcom-2025-oct", asOf="2026-01-01"))["data"][
        "scenario"
    ]
    assert not suspended["inForce"] and suspended["products"] == []
    assert suspended["status"] == "suspended until 2026-11-10"


async def test_concentration_and_oem_rankings_over_http(api: Client) -> None:
    body = await gql(
        api,
        """{ concentration(stage: MINING) { item { id } year hhi top1 top3 flagged
               shares { country share } source { id } }
             dependents(country: "CN", kind: OEM) { subject { id label } product { id }
               share products { id } } }""",
    )
    [mining] = body["data"]["concentration"]
    assert mining["item"]["id"] == "re-concentrate" and mining["source"]["id"].startswith("usgs")
    assert mining["shares"][0]["country"] == "CN" and mining["flagged"]
    assert mining["hhi"] == pytest.approx(sum((100 * s["share"]) ** 2 for s in mining["shares"]))
    oems = body["data"]["dependents"]
    suzuki = next(d for d in oems if d["subject"]["id"] == "suzuki-motor")
    assert suzuki["subject"]["label"] == "Company" and suzuki["product"] is None
    assert suzuki["products"] == [{"id": "suzuki-swift"}]


async def test_dependents_limit(api: Client) -> None:
    query = 'query($n: Int) { dependents(country: "CN", limit: $n) { product { id } share } }'
    everything = (await gql(api, query, n=None))["data"]["dependents"]
    top = (await gql(api, query, n=2))["data"]["dependents"]
    assert top == everything[:2] and len(everything) > 2
    assert (await gql(api, query, n=0))["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_mitigate_and_control_events_over_http(api: Client) -> None:
    body = await gql(
        api,
        """{ mitigate(subject: "tesla", country: "CN", target: 0.5, stage: MAGNET) {
               feasible bestShare stages { stage before after met reason }
               moves { consumer { id } item { id } supplier { id } to { id } share tonnes }
               binding { supplier { id } } notes }
             controlEvents(from: "2026-11-01", to: "2026-12-01") {
               control { id } day change before after act { id } covered { id }
               products { product { id } shortfall } } }""",
    )
    plan = body["data"]["mitigate"]
    [magnet] = plan["stages"]
    assert plan["feasible"] and magnet["stage"] == "magnet" and magnet["before"] > 0.5
    assert magnet["after"] == pytest.approx(0.5, abs=1e-7) and magnet["reason"] is None
    moved = sum(m["share"] for m in plan["moves"])
    assert 0 < moved <= 1 and all(m["to"]["id"] != m["consumer"]["id"] for m in plan["moves"])
    [event] = body["data"]["controlEvents"]
    assert (event["control"]["id"], event["day"], event["change"]) == (
        "cn-mofcom-2025-oct",
        "2026-11-10",
        "suspension_ends",
    )
    bad = await gql(api, '{ mitigate(subject: "tesla", country: "CN", target: 3) { feasible } }')
    assert bad["data"]["mitigate"] is None
    assert "target must be between 0 and 1" in bad["errors"][0]["message"]
