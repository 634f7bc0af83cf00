"""The embedded store: a Ladybug database (the maintained fork of Kùzu) in one local file.

Ladybug 0.22 keeps a database in one file (``PATH``, with ``PATH.wal`` beside it while
open) and lets one process at a time open it for writing, so the process that serves the
API owns the store. Answers equal the Neo4j store's for the same data; Neo4j omits null
properties, so null properties are dropped here too.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import ladybug

from graph.errors import StoreBusy, StoreError, StoreUnavailable
from graph.model import NODES, RELATIONSHIPS, Label, RelType, projected
from graph.records import GraphVersion, NodeRef, RelRef, Value
from graph.stores import ladybug_queries as cypher
from graph.stores.base import WriteCounts, dropped_keys

_LOCKED = "Could not set lock on file"
_COMMITTING = ("the WAL file is corrupted", "checkpoint recovery is pending")
"""What a read-only open says while another process commits a load (its WAL half-written,
or being checkpointed): a moment later the store opens, at the version just committed."""
OPEN_RETRY_S = 5.0


def _node_props(label: Label, node: Mapping[str, Any]) -> dict[str, Any]:
    """The declared, non-null properties of a node value (Ladybug adds _ID and _LABEL)."""
    return {p: v for p in NODES[label].properties if (v := node.get(p)) is not None}


def _open_database(path: str, *, read_only: bool, buffer_pool_size: int) -> ladybug.Database:
    """Open the database; a read-only open that meets another process's commit in progress
    is retried for up to OPEN_RETRY_S seconds, then raised."""
    deadline = time.monotonic() + OPEN_RETRY_S
    pause = 0.05
    while True:
        try:
            return ladybug.Database(path, read_only=read_only, buffer_pool_size=buffer_pool_size)
        except RuntimeError as e:
            committing = any(text in str(e) for text in _COMMITTING)
            if not (read_only and committing) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


class LadybugStore:
    kind = "embedded"

    def __init__(self, database: ladybug.Database, path: str, *, read_only: bool) -> None:
        self._db = database
        self._path = path
        self._read_only = read_only
        self._conn = ladybug.Connection(database)
        # One connection per lock: a statement must not interleave with another thread's.
        self._lock = threading.RLock()
        self._tx_conn: ladybug.Connection | None = None
        """The connection of the open transaction(); only its thread uses it, so the
        other threads' reads run beside it and see the last committed version."""
        self._tx_thread: int | None = None

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
            database = _open_database(
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
            if any(text in str(e) for text in _COMMITTING):
                raise StoreBusy(
                    f"the embedded store at {path} is busy: another process is committing a "
                    f"load into it (still after {OPEN_RETRY_S:.0f} s); retry in a moment"
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
        """Run one statement and fetch every row; Ladybug errors become StoreError.

        The thread that holds the open transaction() runs in it; any other thread on the
        store's own connection, outside it."""
        tx_conn = self._tx_conn if self._in_transaction() else None
        conn = tx_conn or self._conn
        with self._lock if tx_conn is None else nullcontext():
            try:
                result = conn.execute(query, dict(params or {}))
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

    def _in_transaction(self) -> bool:
        return self._tx_conn is not None and self._tx_thread == threading.get_ident()

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

    @contextmanager
    def _own_transaction(self) -> Iterator[None]:
        """A transaction of its own, unless the caller's transaction() is open."""
        if self._in_transaction():
            yield
            return
        with self._lock:
            self._begin()
            try:
                yield
                self._commit()
            except BaseException:
                self._rollback()
                raise

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One Ladybug write transaction on a second connection: its changes stay out of
        the WAL until COMMIT, so a reader in another process or thread sees the last
        committed version, and a killed process leaves nothing of them."""
        if self._read_only:
            raise StoreError("the embedded store was opened read-only")
        if self._tx_conn is not None:
            raise StoreError("a transaction is already open on the embedded store")
        try:
            conn = ladybug.Connection(self._db)
        except RuntimeError as e:
            raise StoreError(f"embedded store transaction failed: {e}") from e
        self._tx_conn, self._tx_thread = conn, threading.get_ident()
        try:
            self._begin()
            try:
                yield
                self._commit()
            except BaseException:
                self._rollback()
                raise
        finally:
            self._tx_conn = self._tx_thread = None
            conn.close()

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
        with self._own_transaction():
            before = int(self._rows(count_query)[0][0])
            returned = self._rows(query, {"rows": rows})
            after = int(self._rows(count_query)[0][0])
        return after - before, returned

    def upsert_nodes(self, label: Label, rows: Sequence[Mapping[str, Value]]) -> WriteCounts:
        if not rows:
            return WriteCounts()
        if any(row.get("id") is None for row in rows):
            raise StoreError(f"cannot upsert a {label.value} node without an id")
        keys = cypher.node_row_keys(label)
        params = [{k: row.get(k) for k in keys} for row in rows]
        created, returned = self._upsert(cypher.upsert_nodes(label), params, cypher.count(label))
        same = sum(1 for r in returned if r[0])
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
        if any(row.get("key") is None for row in rows):
            raise StoreError(f"cannot upsert a {rel.value} relationship without a key")
        keys = cypher.rel_row_keys(rel)
        params = [{k: row.get(k) for k in keys} for row in rows]
        props = [k for k in RELATIONSHIPS[rel].properties if k != "key"]
        query = cypher.upsert_relationships(rel, start_label, end_label)
        created, returned = self._upsert(query, params, cypher.count_relationships(rel))
        written = [r[0] for r in returned]
        same = sum(1 for r in returned if r[1])
        # A created relationship reads as same only where its row's properties are all
        # null: exact when a batch is all new or all present, as a load or reload is.
        blank = sum(1 for row in params if all(row.get(k) is None for k in props))
        return WriteCounts(
            created=created,
            matched=len(written) - created,
            dropped=dropped_keys(rows, written),
            unchanged=max(0, same - min(created, blank)),
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

    def neighbours_of(
        self, label: Label, ids: Collection[str], rel: RelType, *, outgoing: bool
    ) -> dict[str, list[NodeRef]]:
        out: dict[str, list[NodeRef]] = {i: [] for i in ids}
        side = 0 if outgoing else 1
        if not out or all(pair[side] is not label for pair in RELATIONSHIPS[rel].endpoints):
            return out
        query = cypher.neighbours_of(label, rel, outgoing=outgoing)
        for asked, node in self._rows(query, {"ids": list(out)}):
            other = Label(node["_LABEL"])
            out[asked].append(NodeRef(other, node["id"], _node_props(other, node)))
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
        version, loaded_at, incomplete = self._rows(cypher.GRAPH_VERSION)[0]
        return GraphVersion(int(version), loaded_at, incomplete)

    def begin_load(self, started_at: str) -> None:
        self._rows(cypher.BEGIN_LOAD, {"started_at": started_at})

    def bump_version(self, loaded_at: str) -> GraphVersion:
        with self._own_transaction():
            version, stored_at = self._rows(cypher.BUMP_VERSION, {"loaded_at": loaded_at})[0]
            self._rows(cypher.END_LOAD)
        return GraphVersion(int(version), stored_at)

    def clear(self) -> None:
        with self._own_transaction():
            for statement in cypher.clear_statements():
                self._rows(statement)

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
