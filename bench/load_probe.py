"""Probe the Neo4j relationship-upsert hotspot: one relationship group, several statements.

    .venv/bin/python -m bench.load_probe [--size 100k] [--groups G1,G2] [--profile]

Loads every node of a synthetic graph with write_batch, then writes the chosen groups'
relationships (e.g. ``Country-PRODUCES->Component``) once per variant, deleting them in
between, and reports rows/s per variant and the slowest batch:

- ``store-10000`` / ``store-1000``: ``Neo4jStore.upsert_relationships`` as it is now, in
  batches of 10,000 (what bench.run uses) and 1,000 (loaders.load's default);
- ``merge-10000`` / ``merge-1000``: the statement the store used before commit a3e3e43
  (MATCH a, MATCH b, MERGE (a)-[r {key}]->(b), SET ...), kept here as OLD_MERGE;
- ``create-10000``: CREATE only, the lower bound (not an upsert).

With ``--profile`` the first 10,000-row batch of OLD_MERGE runs under PROFILE and its
operators (rows, db hits, time) are printed. Uses the bench Neo4j server (see bench.run),
starting and stopping it when it is not running.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from neo4j import Driver, GraphDatabase

from bench.generate import Shape, generate, parse_size
from bench.loading import clear_neo4j, create_relationships
from bench.run import start_server, stop_server
from graph.model import RELATIONSHIPS, Label, RelType
from graph.records import RelRecord
from graph.stores.neo4j_store import Neo4jStore
from loaders.validate import Batch
from loaders.writer import relationship_row, write_batch


def old_merge(rel: RelType, start: Label, end: Label) -> str:
    """The relationship upsert of graph/neo4j_queries before commit a3e3e43."""
    props = [p for p in RELATIONSHIPS[rel].properties if p != "key"]
    sets = ", ".join(f"r.`{p}` = row.`{p}`" for p in props)
    return (
        "UNWIND $rows AS row "
        f"MATCH (a:`{start.value}` {{id: row.start}}) "
        f"MATCH (b:`{end.value}` {{id: row.end}}) "
        f"MERGE (a)-[r:`{rel.value}` {{key: row.key}}]->(b)" + (f" SET {sets}" if sets else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="probe Neo4j relationship upserts")
    parser.add_argument("--size", default="100k")
    parser.add_argument(
        "--groups",
        default="Country-PRODUCES->Component,Company-MAKES->Product,Product-CONTAINS->Component",
    )
    parser.add_argument(
        "--variants", default="store-10000,store-1000,merge-10000,merge-1000,create-10000"
    )
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    server = start_server()
    out: dict[str, Any] = {"size": args.size, "groups": {}}
    try:
        store = Neo4jStore.connect(server.uri, user=server.user, password=server.password)
        clear_neo4j(store)
        store.ensure_schema()
        batch = generate(Shape(edges=parse_size(args.size)))
        write_batch(store=store, batch=Batch(nodes=batch.nodes), batch_size=10_000)
        groups: dict[str, list[RelRecord]] = defaultdict(list)
        for r in batch.relationships:
            groups[f"{r.start_label.value}-{r.type.value}->{r.end_label.value}"].append(r)
        driver = GraphDatabase.driver(server.uri, auth=(server.user, server.password))
        for name in args.groups.split(","):
            records = groups[name]
            rel, start, end = records[0].type, records[0].start_label, records[0].end_label
            rows = [relationship_row(r) for r in records]
            if args.profile:
                out.setdefault("profiles", {})[name] = _profile(
                    driver, old_merge(rel, start, end), rows[:10_000]
                )
                _delete(driver, rel)
            result: dict[str, Any] = {"rows": len(rows)}
            for variant in args.variants.split(","):
                kind, size = variant.rsplit("-", 1)
                if kind == "store":
                    run = _via_store(store, rel, start, end)
                else:
                    statement = (
                        old_merge(rel, start, end)
                        if kind == "merge"
                        else create_relationships(rel, start, end)
                    )
                    run = _runner(driver, statement)
                result[variant] = _write(run, rows, int(size))
                _delete(driver, rel)
                sys.stderr.write(f"{name} {variant}: {json.dumps(result[variant])}\n")
            out["groups"][name] = result
        driver.close()
        store.close()
    finally:
        stop_server(server)
    sys.stdout.write(json.dumps(out, indent=2) + "\n")


Run = Callable[[list[dict[str, Any]]], None]


def _write(run: Run, rows: list[dict[str, Any]], size: int) -> dict[str, Any]:
    calls = []
    started = time.perf_counter()
    for i in range(0, len(rows), size):
        call = time.perf_counter()
        run(rows[i : i + size])
        calls.append(time.perf_counter() - call)
    took = time.perf_counter() - started
    return {
        "seconds": round(took, 3),
        "rows_per_s": round(len(rows) / took, 1),
        "slowest_batch_s": round(max(calls), 3),
        "batches": len(calls),
    }


def _runner(driver: Driver, statement: str) -> Run:
    def run(chunk: list[dict[str, Any]]) -> None:
        driver.execute_query(statement, {"rows": chunk}, database_="neo4j")

    return run


def _via_store(store: Neo4jStore, rel: RelType, start: Label, end: Label) -> Run:
    def run(chunk: list[dict[str, Any]]) -> None:
        store.upsert_relationships(rel, start, end, chunk)

    return run


def _delete(driver: Driver, rel: RelType) -> None:
    query = f"MATCH ()-[r:`{rel.value}`]->() WITH r LIMIT 10000 DELETE r RETURN count(*) AS n"
    while driver.execute_query(query, database_="neo4j").records[0]["n"]:
        pass


def _profile(driver: Any, statement: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    with driver.session(database="neo4j") as session:
        summary = session.run("PROFILE " + statement, rows=rows).consume()
    ops: list[dict[str, Any]] = []

    def walk(plan: dict[str, Any]) -> None:
        args = plan.get("args", {})
        ops.append(
            {
                "operator": plan.get("operatorType"),
                "rows": plan.get("rows"),
                "db_hits": plan.get("dbHits"),
                "time_ms": round(args.get("Time", 0) / 1e6, 1),
                "details": str(args.get("Details", ""))[:120],
            }
        )
        for child in plan.get("children", []):
            walk(child)

    if summary.profile:
        walk(summary.profile)
    return ops


if __name__ == "__main__":
    main()
