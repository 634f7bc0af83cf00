"""The embedded store: a Ladybug database (the maintained fork of Kùzu) in one local file.

Ladybug 0.22 keeps a database in one file (``PATH``, with ``PATH.wal`` beside it while
open) and lets one process at a time open it for writing, so the process that serves the
API owns the store. Answers equal the Neo4j store's for the same data; Neo4j omits null
properties, so null properties are dropped here too.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import ladybug

from graph.errors import StoreError, StoreUnavailable
from graph.model import NODES, RELATIONSHIPS, Label, RelType, projected
from graph.records import GraphVersion, NodeRef, RelRef, Value
from graph.stores import ladybug_queries as cypher
from graph.stores.base import WriteCounts, dropped_keys

_LOCKED = "Could not set lock on file"


def _node_props(label: Label, node: Mapping[str, Any]) -> dict[str, Any]:
    """The declared, non-null properties of a node value (Ladybug adds _ID and _LABEL)."""
    return {p: v for p in NODES[label].properties if (v := node.get(p)) is not None}


class LadybugStore:
    kind = "embedded"

    def __init__(self, database: ladybug.Database, path: str, *, read_only: bool) -> None:
        self._db = database
        self._path = path
        self._read_only = read_only
        self._conn = ladybug.Connection(database)
        # One connection: a transaction must not interleave with another thread's queries.
        self._lock = threading.RLock()

    @classmethod
    def open(
        cls, path: str, *, read_only: bool = False, buffer_pool_mb: int = 1024
    ) -> LadybugStore:
        """Open (or, unless ``read_only``, create) the database file at ``path``.

        ``buffer_pool_mb`` bounds Ladybug's page cache, which otherwise takes most of RAM.
        """
        file = Path(path)
        if file.is_dir():
            raise StoreUnavailable(
                f"the embedded store path {path} is a directory, but Ladybug keeps a database "
                f"in one file: point SUPPLYGRAPH_STORE at a file path such as {file / 'graph'}."
            )
        if read_only and not file.exists():
            raise StoreUnavailable(
                f"there is no embedded store at {path} yet: load data into it first."
            )
        try:
            if not read_only:
                file.parent.mkdir(parents=True, exist_ok=True)
            database = ladybug.Database(
                str(file), read_only=read_only, buffer_pool_size=buffer_pool_mb * 1024 * 1024
            )
        except OSError as e:
            raise StoreUnavailable(f"cannot open the embedded store at {path}: {e}") from e
        except RuntimeError as e:
            if _LOCKED in str(e):
                holder = re.search(r"held by PID (\d+)", str(e))
                pid = f" (PID {holder.group(1)})" if holder else ""
                raise StoreUnavailable(
                    f"the embedded store at {path} is in use by another process{pid} "
                    "(is `supplygraph serve` running?). Stop it, or load through the running "
                    "server, or point SUPPLYGRAPH_STORE elsewhere."
                ) from e
            raise StoreUnavailable(f"cannot open the embedded store at {path}: {e}") from e
        try:
            store = cls(database, str(file), read_only=read_only)
        except RuntimeError as e:
            database.close()
            raise StoreUnavailable(f"cannot open the embedded store at {path}: {e}") from e
        if not read_only:
            store.ensure_schema()  # so every store file, even one never loaded, has tables
        return store

    # -- plumbing -------------------------------------------------------------------------

    def _rows(self, query: str, params: Mapping[str, Any] | None = None) -> list[list[Any]]:
        """Run one statement and fetch every row; Ladybug errors become StoreError."""
        with self._lock:
            try:
                result = self._conn.execute(query, dict(params or {}))
                if isinstance(result, list):  # several statements: never built by cypher.*
                    for r in result:
                        r.close()
                    raise StoreError("embedded store query held more than one statement")
                try:
                    return [row for row in result if isinstance(row, list)]
                finally:
                    result.close()
            except RuntimeError as e:
                raise StoreError(f"embedded store query failed: {e}") from e

    def _begin(self) -> None:
        self._rows(cypher.BEGIN)

    def _commit(self) -> None:
        self._rows(cypher.COMMIT)

    def _rollback(self) -> None:
        # A failed statement already rolled the transaction back; nothing to undo then.
        try:
            self._rows(cypher.ROLLBACK)
        except StoreError:
            pass

    # -- schema and writes ----------------------------------------------------------------

    def ensure_schema(self) -> None:
        with self._lock:
            for statement in cypher.schema_statements():
                self._rows(statement)

    def _upsert(
        self, query: str, rows: list[dict[str, Value]], count_query: str
    ) -> tuple[int, list[list[Any]]]:
        """Run one upsert in its own transaction; return how many it created and its rows.

        Ladybug reports no write counters, so the table is counted before and after, inside
        the transaction (one write transaction at a time, and this store's lock held).
        """
        with self._lock:
            self._begin()
            try:
                before = int(self._rows(count_query)[0][0])
                returned = self._rows(query, {"rows": rows})
                after = int(self._rows(count_query)[0][0])
                self._commit()
            except BaseException:
                self._rollback()
                raise
        return after - before, returned

    def upsert_nodes(self, label: Label, rows: Sequence[Mapping[str, Value]]) -> WriteCounts:
        if not rows:
            return WriteCounts()
        if any(row.get("id") is None for row in rows):
            raise StoreError(f"cannot upsert a {label.value} node without an id")
        keys = cypher.node_row_keys(label)
        params = [{k: row.get(k) for k in keys} for row in rows]
        created, _ = self._upsert(cypher.upsert_nodes(label), params, cypher.count(label))
        return WriteCounts(created=created, matched=len(rows) - created)

    def upsert_relationships(
        self,
        rel: RelType,
        start_label: Label,
        end_label: Label,
        rows: Sequence[Mapping[str, Value]],
    ) -> WriteCounts:
        if not rows:
            return WriteCounts()
        if any(row.get("key") is None for row in rows):
            raise StoreError(f"cannot upsert a {rel.value} relationship without a key")
        keys = cypher.rel_row_keys(rel)
        params = [{k: row.get(k) for k in keys} for row in rows]
        query = cypher.upsert_relationships(rel, start_label, end_label)
        created, returned = self._upsert(query, params, cypher.count_relationships(rel))
        written = [r[0] for r in returned]
        return WriteCounts(
            created=created,
            matched=len(written) - created,
            dropped=dropped_keys(rows, written),
        )

    def delete_relationships(self, rel: RelType, keys: Collection[str]) -> int:
        return self._delete(cypher.delete_relationships(rel), {"keys": list(keys)})

    def delete_nodes(self, label: Label, ids: Collection[str]) -> int:
        return self._delete(cypher.delete_nodes(label), {"ids": list(ids)})

    def _delete(self, query: str, params: dict[str, Any]) -> int:
        if not next(iter(params.values())):
            return 0
        with self._lock:
            self._begin()
            try:
                rows = self._rows(query, params)
                self._commit()
            except BaseException:
                self._rollback()
                raise
        return int(rows[0][0]) if rows else 0

    # -- reads ----------------------------------------------------------------------------

    def labels_of(self, ids: Collection[str]) -> dict[str, Label]:
        if not ids:
            return {}
        rows = self._rows(cypher.labels_of(), {"ids": list(ids)})
        return {r[0]: Label(r[1]) for r in rows}

    def nodes(self, label: Label, ids: Collection[str]) -> list[NodeRef]:
        if not ids:
            return []
        rows = self._rows(cypher.nodes_by_id(label), {"ids": list(ids)})
        return [NodeRef(label, r[0]["id"], _node_props(label, r[0])) for r in rows]

    def page(self, label: Label, *, after: str | None, first: int) -> list[NodeRef]:
        rows = self._rows(cypher.page(label), {"after": after, "first": first})
        return [NodeRef(label, r[0]["id"], _node_props(label, r[0])) for r in rows]

    def count(self, label: Label) -> int:
        return int(self._rows(cypher.count(label))[0][0])

    def neighbours(
        self, label: Label, node_id: str, rel: RelType, *, outgoing: bool
    ) -> list[NodeRef]:
        side = 0 if outgoing else 1
        if all(pair[side] is not label for pair in RELATIONSHIPS[rel].endpoints):
            return []  # Ladybug refuses to bind a pattern its tables cannot hold
        rows = self._rows(cypher.neighbours(label, rel, outgoing=outgoing), {"id": node_id})
        out = []
        for (node,) in rows:
            other = Label(node["_LABEL"])
            out.append(NodeRef(other, node["id"], _node_props(other, node)))
        return out

    def extract_nodes(self, labels: Collection[Label]) -> Iterator[NodeRef]:
        for label in labels:
            rows = self._rows(cypher.extract_nodes(label))
            for (node,) in rows:
                yield NodeRef(label, node["id"], _node_props(label, node))

    def extract_relationships(
        self, types: Collection[RelType], *, properties: Collection[str] | None = None
    ) -> Iterator[RelRef]:
        for rel in types:
            names = projected(rel, properties)
            rows = self._rows(cypher.extract_relationships(rel, names))
            for row in rows:
                props = {p: v for p, v in zip(names, row[2:], strict=True) if v is not None}
                yield RelRef(rel, row[0], row[1], props)

    def counts(self) -> dict[str, int]:
        with self._lock:
            out = {label.value: self.count(label) for label in Label}
            for rel in RelType:
                out[rel.value] = int(self._rows(cypher.count_relationships(rel))[0][0])
            return out

    def graph_version(self) -> GraphVersion:
        version, loaded_at = self._rows(cypher.GRAPH_VERSION)[0]
        return GraphVersion(int(version), loaded_at)

    def bump_version(self, loaded_at: str) -> GraphVersion:
        version, stored_at = self._rows(cypher.BUMP_VERSION, {"loaded_at": loaded_at})[0]
        return GraphVersion(int(version), stored_at)

    def clear(self) -> None:
        with self._lock:
            self._begin()
            try:
                for statement in cypher.clear_statements():
                    self._rows(statement)
                self._commit()
            except BaseException:
                self._rollback()
                raise

    def ping(self) -> None:
        try:
            self._rows(cypher.PING)
        except StoreError as e:
            raise StoreUnavailable(
                f"the embedded store at {self._path} does not answer: {e}"
            ) from e

    def close(self) -> None:
        with self._lock:
            self._conn.close()
            self._db.close()
