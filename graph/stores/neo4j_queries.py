"""Every Cypher statement the Neo4j store runs, as constants or pure builders.

Labels, relationship types and property names come only from graph.model and are
backticked; values are always ``$parameters``.
"""

from __future__ import annotations

from graph.model import NODES, RELATIONSHIPS, Label, RelType

META_LABEL = "SupplyGraphMeta"


def _q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def schema_statements() -> list[str]:
    statements = [
        f"CREATE CONSTRAINT {_q(label.value.lower() + '_id')} IF NOT EXISTS "
        f"FOR (n:{_q(label.value)}) REQUIRE n.id IS UNIQUE"
        for label in Label
    ]
    statements += [
        f"CREATE CONSTRAINT {_q(rel.value.lower() + '_key_unique')} IF NOT EXISTS "
        f"FOR ()-[r:{_q(rel.value)}]-() REQUIRE r.key IS UNIQUE"
        for rel in RelType
    ]
    statements.append(
        f"CREATE CONSTRAINT meta_id IF NOT EXISTS FOR (m:{_q(META_LABEL)}) REQUIRE m.id IS UNIQUE"
    )
    return statements


def _unchanged(var: str, props: list[str]) -> str:
    """True when ``var`` exists and holds every property as the row has it (null for
    null): such a row's write changes nothing."""
    same = [
        f"coalesce({var}.{_q(p)} = row.{_q(p)}, {var}.{_q(p)} IS NULL AND row.{_q(p)} IS NULL)"
        for p in props
    ]
    return " AND ".join([f"{var} IS NOT NULL", *same])


def upsert_nodes(label: Label) -> str:
    """MERGE and SET, counting the rows whose node already held these properties."""
    props = [p for p in NODES[label].properties if p != "id"]
    sets = ", ".join(f"n.{_q(p)} = row.{_q(p)}" for p in props)
    return (
        f"UNWIND $rows AS row OPTIONAL MATCH (old:{_q(label.value)} {{id: row.id}}) "
        f"WITH row, {_unchanged('old', props)} AS same "
        f"MERGE (n:{_q(label.value)} {{id: row.id}}) SET {sets} "
        "RETURN count(CASE WHEN same THEN 1 END) AS unchanged"
    )


def legacy_schema_statements() -> list[str]:
    """Plain key indexes of 0.1 development builds, replaced by uniqueness constraints."""
    return [f"DROP INDEX {_q(rel.value.lower() + '_key')} IF EXISTS" for rel in RelType]


def upsert_relationships(rel: RelType, start: Label, end: Label) -> str:
    """MERGE on the key. The key's uniqueness constraint (schema_statements) makes this a
    unique index seek whatever the statistics say; with a plain index, a MERGE planned on
    a fresh server's empty statistics expanded dense nodes instead (a country's PRODUCES):
    78 s for one 10k batch. The look-up of the old relationship (to count rows that change
    nothing) names no end, so it too can only be that index seek."""
    props = [p for p in RELATIONSHIPS[rel].properties if p != "key"]
    sets = ", ".join(f"r.{_q(p)} = row.{_q(p)}" for p in props)
    set_clause = f" SET {sets}" if sets else ""
    return (
        "UNWIND $rows AS row "
        f"OPTIONAL MATCH ()-[old:{_q(rel.value)} {{key: row.key}}]->() "
        f"WITH row, {_unchanged('old', props)} AS same "
        f"MATCH (a:{_q(start.value)} {{id: row.start}}) "
        f"MATCH (b:{_q(end.value)} {{id: row.end}}) "
        f"MERGE (a)-[r:{_q(rel.value)} {{key: row.key}}]->(b)"
        f"{set_clause} "
        "RETURN collect(row.key) AS written, count(CASE WHEN same THEN 1 END) AS unchanged"
    )


def delete_relationships(rel: RelType) -> str:
    return (
        f"UNWIND $keys AS k MATCH ()-[r:{_q(rel.value)} {{key: k}}]->() DELETE r "
        "RETURN count(*) AS n"
    )


def delete_nodes(label: Label) -> str:
    return (
        f"UNWIND $ids AS i MATCH (n:{_q(label.value)} {{id: i}}) DETACH DELETE n "
        "RETURN count(*) AS n"
    )


def labels_of() -> str:
    return " UNION ALL ".join(
        f"MATCH (n:{_q(label.value)}) WHERE n.id IN $ids RETURN n.id AS id, "
        f"'{label.value}' AS label"
        for label in Label
    )


def nodes_by_id(label: Label) -> str:
    return (
        f"MATCH (n:{_q(label.value)}) WHERE n.id IN $ids "
        "RETURN properties(n) AS props ORDER BY n.id"
    )


def page(label: Label) -> str:
    return (
        f"MATCH (n:{_q(label.value)}) WHERE $after IS NULL OR n.id > $after "
        "RETURN properties(n) AS props ORDER BY n.id LIMIT $first"
    )


def count(label: Label) -> str:
    return f"MATCH (n:{_q(label.value)}) RETURN count(n) AS n"


def neighbours(label: Label, rel: RelType, *, outgoing: bool) -> str:
    arrow = f"-[:{_q(rel.value)}]->" if outgoing else f"<-[:{_q(rel.value)}]-"
    return (
        f"MATCH (a:{_q(label.value)} {{id: $id}}){arrow}(b) "
        "RETURN DISTINCT labels(b)[0] AS label, properties(b) AS props ORDER BY props.id"
    )


def neighbours_of(label: Label, rel: RelType, *, outgoing: bool) -> str:
    arrow = f"-[:{_q(rel.value)}]->" if outgoing else f"<-[:{_q(rel.value)}]-"
    return (
        f"MATCH (a:{_q(label.value)}){arrow}(b) WHERE a.id IN $ids "
        "WITH DISTINCT a.id AS asked, b "
        "RETURN asked, labels(b)[0] AS label, properties(b) AS props ORDER BY asked, props.id"
    )


def extract_nodes(label: Label) -> str:
    return f"MATCH (n:{_q(label.value)}) RETURN collect(properties(n)) AS rows"


def extract_relationships(rel: RelType, properties: tuple[str, ...]) -> str:
    """One collected record per type, each row a plain list [start, end, *properties]:
    far faster to stream and decode than one record per row, or property maps."""
    cols = "".join(f", r.{_q(p)}" for p in properties)
    return f"MATCH (a)-[r:{_q(rel.value)}]->(b) RETURN collect([a.id, b.id{cols}]) AS rows"


def count_relationships(rel: RelType) -> str:
    return f"MATCH ()-[r:{_q(rel.value)}]->() RETURN count(r) AS n"


GRAPH_VERSION = (
    f"OPTIONAL MATCH (m:{_q(META_LABEL)} {{id: 'graph'}}) "
    f"OPTIONAL MATCH (l:{_q(META_LABEL)} {{id: 'load'}}) "
    "RETURN coalesce(m.version, 0) AS version, m.loaded_at AS loaded_at, "
    "l.started_at AS incomplete"
)
"""The version, and the start of a load not completed (the ``load`` node, if any)."""

BUMP_VERSION = (
    f"MERGE (m:{_q(META_LABEL)} {{id: 'graph'}}) "
    "SET m.version = coalesce(m.version, 0) + 1, m.loaded_at = $loaded_at "
    "WITH m "
    f"OPTIONAL MATCH (l:{_q(META_LABEL)} {{id: 'load'}}) DELETE l "
    "RETURN m.version AS version, m.loaded_at AS loaded_at"
)
"""Also deletes the load record: a load completes in the transaction that bumps."""

BEGIN_LOAD = f"MERGE (l:{_q(META_LABEL)} {{id: 'load'}}) SET l.started_at = $started_at"
"""The load record: written before a load's transaction, deleted by BUMP_VERSION in it."""

PING = "RETURN 1 AS ok"

CLEAR_RELATIONSHIPS = "MATCH ()-[r]->() WITH r LIMIT $limit DELETE r RETURN count(*) AS n"
"""Relationships first, in batches: one dense node (a country with 150k relationships)
deleted with DETACH would overflow a transaction's memory."""

CLEAR_NODES = "MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"

PATH_BASELINE = """
MATCH path = (p:Product)-[:CONTAINS|MADE_FROM*1..8]->(x)
MATCH (c:Country)-[pr:PRODUCES]->(x)
RETURN p.id AS product, c.id AS country, x.stage AS stage,
       sum(reduce(w = 1.0, r IN relationships(path) | w * r.share) * pr.share) AS share,
       count(*) AS paths
""".strip()
"""WRONG ALGORITHM, kept only as the benchmark's baseline (graph/stores/path_baseline.py):
every product's exposure to every country per stage by enumerating every BOM path. Never
run by the API."""
