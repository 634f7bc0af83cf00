"""The production store: a Neo4j 5 server (single instance, cluster or Aura) over Bolt."""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import neo4j
from neo4j import (
    GraphDatabase,
    NotificationDisabledClassification,
    NotificationMinimumSeverity,
    RoutingControl,
)
from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable

from graph.errors import StoreError, StoreUnavailable
from graph.model import Label, RelType, projected
from graph.records import GraphVersion, NodeRef, RelRef, Value
from graph.stores import neo4j_queries as cypher
from graph.stores.base import WriteCounts, dropped_keys

QUIET_NOTIFICATIONS: dict[str, Any] = {
    "notifications_min_severity": NotificationMinimumSeverity.WARNING,
    "notifications_disabled_classifications": [NotificationDisabledClassification.UNRECOGNIZED],
}
"""The server sends only warnings that matter: not "property/label does not exist" (every
query here names graph.model's labels and properties, absent from a database until a load
writes them), which the driver would otherwise log on stderr by the dozen."""


def _translate(e: Exception, doing: str) -> StoreError:
    """The driver's errors as ours, with what to do about them."""
    if isinstance(e, AuthError):
        return StoreUnavailable(
            f"Neo4j refused the credentials: {e.message}. Check NEO4J_USER/NEO4J_PASSWORD."
        )
    if isinstance(e, ServiceUnavailable | OSError):
        return StoreUnavailable(
            f"Neo4j is not reachable: {e}. Start it (make neo4j-start) or check the URI."
        )
    return StoreError(f"Neo4j {doing} failed: {e}")


class Neo4jStore:
    kind = "neo4j"

    def __init__(self, driver: neo4j.Driver, *, database: str = "neo4j") -> None:
        self._driver = driver
        self._database = database
        self._tx = threading.local()
        """The open transaction() of each thread, if any (``.current``)."""

    @classmethod
    def connect(cls, uri: str, *, user: str, password: str, database: str = "neo4j") -> Neo4jStore:
        """Open a driver (routing URIs work for clusters and Aura) and check it answers."""
        try:
            driver = GraphDatabase.driver(uri, auth=(user, password), **QUIET_NOTIFICATIONS)
        except (ValueError, DriverError) as e:
            raise StoreUnavailable(f"cannot open Neo4j at {uri}: {e}") from e
        store = cls(driver, database=database)
        try:
            store.ping()
        except StoreUnavailable:
            driver.close()
            raise
        return store

    def _run(
        self, query: str, params: Mapping[str, Any] | None = None, *, read: bool = False
    ) -> neo4j.EagerResult:
        """Writes of the thread that opened transaction() run in it; all else auto-commits."""
        tx: neo4j.Transaction | None = getattr(self._tx, "current", None)
        try:
            if tx is not None and not read:
                result = tx.run(query, dict(params or {}))
                records = list(result)
                return neo4j.EagerResult(records, result.consume(), list(result.keys()))
            return self._driver.execute_query(
                query,
                dict(params or {}),
                database_=self._database,
                routing_=RoutingControl.READ if read else RoutingControl.WRITE,
            )
        except (Neo4jError, DriverError) as e:
            raise _translate(e, "query") from e

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One explicit transaction for every write inside: readers keep seeing the last
        committed graph (read committed), and if this process dies the server rolls the
        transaction back when its connection drops."""
        if getattr(self._tx, "current", None) is not None:
            raise StoreError("a transaction is already open on this Neo4j store")
        try:
            with self._driver.session(database=self._database) as session:
                with session.begin_transaction() as tx:
                    self._tx.current = tx
                    try:
                        yield
                    finally:
                        self._tx.current = None
                    tx.commit()
        except (Neo4jError, DriverError) as e:
            raise _translate(e, "load transaction") from e

    def ensure_schema(self) -> None:
        """All constraints and indexes in one transaction: ~0.4 s on a fresh database,
        where one transaction each took ~7 s."""

        def create(tx: neo4j.ManagedTransaction) -> None:
            for statement in cypher.schema_statements():
                tx.run(statement).consume()

        def drop_legacy(tx: neo4j.ManagedTransaction) -> None:
            for statement in cypher.legacy_schema_statements():
                tx.run(statement).consume()

        try:
            with self._driver.session(database=self._database) as session:
                session.execute_write(drop_legacy)
                session.execute_write(create)
        except (Neo4jError, DriverError) as e:
            raise _translate(e, "schema set-up") from e

    def upsert_nodes(self, label: Label, rows: Sequence[Mapping[str, Value]]) -> WriteCounts:
        if not rows:
            return WriteCounts()
        result = self._run(cypher.upsert_nodes(label), {"rows": list(rows)})
        created = result.summary.counters.nodes_created
        same = int(result.records[0]["unchanged"])
        return WriteCounts(created=created, matched=len(rows) - created, unchanged=same)

    def upsert_relationships(
        self,
        rel: RelType,
        start_label: Label,
        end_label: Label,
        rows: Sequence[Mapping[str, Value]],
    ) -> WriteCounts:
        if not rows:
            return WriteCounts()
        query = cypher.upsert_relationships(rel, start_label, end_label)
        result = self._run(query, {"rows": list(rows)})
        written = result.records[0]["written"]
        created = result.summary.counters.relationships_created
        return WriteCounts(
            created=created,
            matched=len(written) - created,
            dropped=dropped_keys(rows, written),
            unchanged=int(result.records[0]["unchanged"]),
        )

    def delete_relationships(self, rel: RelType, keys: Collection[str]) -> int:
        if not keys:
            return 0
        result = self._run(cypher.delete_relationships(rel), {"keys": list(keys)})
        return int(result.records[0]["n"])

    def delete_nodes(self, label: Label, ids: Collection[str]) -> int:
        if not ids:
            return 0
        result = self._run(cypher.delete_nodes(label), {"ids": list(ids)})
        return int(result.records[0]["n"])

    def labels_of(self, ids: Collection[str]) -> dict[str, Label]:
        if not ids:
            return {}
        records = self._run(cypher.labels_of(), {"ids": list(ids)}, read=True).records
        return {r["id"]: Label(r["label"]) for r in records}

    def nodes(self, label: Label, ids: Collection[str]) -> list[NodeRef]:
        if not ids:
            return []
        records = self._run(cypher.nodes_by_id(label), {"ids": list(ids)}, read=True).records
        return [NodeRef(label, r["props"]["id"], dict(r["props"])) for r in records]

    def page(self, label: Label, *, after: str | None, first: int) -> list[NodeRef]:
        params = {"after": after, "first": first}
        records = self._run(cypher.page(label), params, read=True).records
        return [NodeRef(label, r["props"]["id"], dict(r["props"])) for r in records]

    def count(self, label: Label) -> int:
        return int(self._run(cypher.count(label), read=True).records[0]["n"])

    def neighbours(
        self, label: Label, node_id: str, rel: RelType, *, outgoing: bool
    ) -> list[NodeRef]:
        query = cypher.neighbours(label, rel, outgoing=outgoing)
        records = self._run(query, {"id": node_id}, read=True).records
        return [NodeRef(Label(r["label"]), r["props"]["id"], dict(r["props"])) for r in records]

    def neighbours_of(
        self, label: Label, ids: Collection[str], rel: RelType, *, outgoing: bool
    ) -> dict[str, list[NodeRef]]:
        out: dict[str, list[NodeRef]] = {i: [] for i in ids}
        if not out:
            return out
        query = cypher.neighbours_of(label, rel, outgoing=outgoing)
        for r in self._run(query, {"ids": list(out)}, read=True).records:
            out[r["asked"]].append(NodeRef(Label(r["label"]), r["props"]["id"], dict(r["props"])))
        return out

    def extract_nodes(self, labels: Collection[Label]) -> Iterator[NodeRef]:
        for label in labels:
            rows = self._run(cypher.extract_nodes(label), read=True).records[0]["rows"]
            for props in rows:
                yield NodeRef(label, props["id"], props)

    def extract_relationships(
        self, types: Collection[RelType], *, properties: Collection[str] | None = None
    ) -> Iterator[RelRef]:
        for rel in types:
            names = projected(rel, properties)
            query = cypher.extract_relationships(rel, names)
            rows = self._run(query, read=True).records[0]["rows"]
            for row in rows:
                props = {p: v for p, v in zip(names, row[2:], strict=True) if v is not None}
                yield RelRef(rel, row[0], row[1], props)

    def counts(self) -> dict[str, int]:
        out = {label.value: self.count(label) for label in Label}
        for rel in RelType:
            out[rel.value] = int(
                self._run(cypher.count_relationships(rel), read=True).records[0]["n"]
            )
        return out

    def graph_version(self) -> GraphVersion:
        record = self._run(cypher.GRAPH_VERSION, read=True).records[0]
        return GraphVersion(int(record["version"]), record["loaded_at"], record["incomplete"])

    def begin_load(self, started_at: str) -> None:
        self._driver_write(cypher.BEGIN_LOAD, {"started_at": started_at})

    def _driver_write(self, query: str, params: Mapping[str, Any]) -> None:
        """A write committed at once, even beside an open transaction()."""
        try:
            self._driver.execute_query(query, dict(params), database_=self._database)
        except (Neo4jError, DriverError) as e:
            raise _translate(e, "query") from e

    def bump_version(self, loaded_at: str) -> GraphVersion:
        record = self._run(cypher.BUMP_VERSION, {"loaded_at": loaded_at}).records[0]
        return GraphVersion(int(record["version"]), record["loaded_at"])

    def clear(self) -> None:
        for statement in (cypher.CLEAR_RELATIONSHIPS, cypher.CLEAR_NODES):
            while self._run(statement, {"limit": 10_000}).records[0]["n"]:
                pass

    def ping(self) -> None:
        try:
            self._driver.verify_connectivity()
        except (AuthError, ServiceUnavailable, OSError) as e:
            raise _translate(e, "connection") from e
        except (DriverError, Neo4jError) as e:
            raise StoreUnavailable(f"Neo4j does not answer: {e}") from e

    def close(self) -> None:
        self._driver.close()
