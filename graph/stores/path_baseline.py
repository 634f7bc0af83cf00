"""The path-enumeration baseline: the WRONG ALGORITHM, kept only so the benchmark can
measure the engine against it. Nothing in api/, schema/ or loaders/ imports this module.

It answers the engine's "how much of each product depends on each country, per stage" by
enumerating every bill-of-materials path (``PATH_BASELINE`` in each store's query module),
whose number grows with the product of every tier's fan-out; the engine's propagation is
linear in edges and answers every country at once.

It lives here, beside the stores, rather than as a Store method: it needs a connection set
up unlike the store's (a server-side timeout and an interruptible query; on Ladybug a
read-only handle with a buffer pool far larger than the store's), and a benchmark-only
query does not belong in the protocol the API serves from. Its statements live in the
query modules with every other statement, so the benchmark spells no Cypher of its own.
"""

from __future__ import annotations

import ladybug
from neo4j import READ_ACCESS, GraphDatabase, Query

from graph.errors import StoreError
from graph.stores import ladybug_queries, neo4j_queries

Rows = list[tuple[str, str, str, float, int]]
"""(product, country, stage, share, paths): every country at once, the engine's question."""


def run_neo4j(*, uri: str, user: str, password: str, timeout_s: float) -> Rows:
    """Run neo4j_queries.PATH_BASELINE in a read session; the server stops it at
    ``timeout_s`` (the driver raises)."""
    with (
        GraphDatabase.driver(uri, auth=(user, password)) as driver,
        driver.session(database="neo4j", default_access_mode=READ_ACCESS) as session,
    ):
        result = session.run(Query(neo4j_queries.PATH_BASELINE, timeout=timeout_s))
        return [
            (r["product"], r["country"], r["stage"], float(r["share"] or 0.0), int(r["paths"]))
            for r in result
        ]


class LadybugBaseline:
    """A read-only handle on an embedded store file, for ladybug_queries.PATH_BASELINE.

    Path enumeration needs a large buffer pool: with the store's default (1 GB) it fails at
    100k and 1M edges after ~5 s ("Buffer manager exception: Unable to allocate memory!");
    the benchmark opens this with 12 GB (1M edges: ~41 s, peak RSS ~5 GB). Close the
    store's own handle first.
    """

    def __init__(self, path: str, *, buffer_pool_mb: int) -> None:
        self.buffer_pool_mb = buffer_pool_mb
        self._db = ladybug.Database(
            path, read_only=True, buffer_pool_size=buffer_pool_mb * 1024 * 1024
        )
        self._conn = ladybug.Connection(self._db)

    def run(self, *, timeout_s: float) -> Rows:
        self._conn.set_query_timeout(int(timeout_s * 1000))
        result = self._conn.execute(ladybug_queries.PATH_BASELINE)
        if isinstance(result, list):
            raise StoreError("the path baseline is one statement")
        rows: Rows = []
        try:
            while result.has_next():
                product, country, stage, share, paths = result.get_next()
                rows.append(
                    (str(product), str(country), str(stage), float(share or 0.0), int(paths))
                )
        finally:
            result.close()
        return rows

    def interrupt(self) -> None:
        """Stop a running ``run`` from another thread."""
        self._conn.interrupt()

    def close(self) -> None:
        self._conn.close()
        self._db.close()
