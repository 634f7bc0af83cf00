"""Every Cypher statement the embedded (Ladybug) store runs, as constants or pure builders.

Labels, relationship types and property names come only from graph.model and are
backticked; values are always ``$parameters``. Ladybug's dialect differs from Neo4j's:

- tables are declared first: one node table per Label, one relationship table per RelType
  listing every allowed (FROM, TO) pair, all derived from graph.model;
- a parameter's type is inferred from its values: a ``$rows`` field null in every row is
  typed STRING, so every value written is ``CAST`` to its declared type, and a null
  ``$after`` (else typed BOOLEAN) is cast to STRING;
- rows travel as a list of structs (``UNWIND $rows``): indexing column lists instead
  (``$col[i]``) costs about 0.1 ms per access, and a list of lists holding nulls comes back
  with its strings quoted;
- ``end`` is a keyword, so names are always backticked;
- there are no write counters: an upsert counts the table before and after, in its
  transaction.
"""

from __future__ import annotations

from graph.model import NODES, RELATIONSHIPS, Label, PropType, RelType

META_TABLE = "SupplyGraphMeta"

LADYBUG_TYPES: dict[PropType, str] = {
    PropType.STRING: "STRING",
    PropType.DOUBLE: "DOUBLE",
    PropType.INT: "INT64",
    PropType.BOOL: "BOOLEAN",
    PropType.STRINGS: "STRING[]",
}


def _q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _declare(properties: dict[str, PropType]) -> str:
    return ", ".join(f"{_q(p)} {LADYBUG_TYPES[t]}" for p, t in properties.items())


def _cast(expr: str, prop_type: PropType) -> str:
    return f"CAST({expr} AS {LADYBUG_TYPES[prop_type]})"


def schema_statements() -> list[str]:
    """Create every table, then add any declared property or (FROM, TO) pair an older
    table lacks, so a store made under an earlier model gains what the model added.
    (A property whose type changed is not migrated: rebuild the store from the data.)"""
    statements = []
    for label in Label:
        props = NODES[label].properties
        cols = _declare({p: t for p, t in props.items() if p != "id"})
        id_col = f"{_q('id')} {LADYBUG_TYPES[props['id']]} PRIMARY KEY"
        statements.append(
            f"CREATE NODE TABLE IF NOT EXISTS {_q(label.value)}"
            f"({id_col}{', ' + cols if cols else ''})"
        )
    for rel in RelType:
        spec = RELATIONSHIPS[rel]
        pairs = ", ".join(f"FROM {_q(a.value)} TO {_q(b.value)}" for a, b in spec.endpoints)
        cols = _declare(spec.properties)
        statements.append(
            f"CREATE REL TABLE IF NOT EXISTS {_q(rel.value)}({pairs}{', ' + cols if cols else ''})"
        )
    statements.append(
        f"CREATE NODE TABLE IF NOT EXISTS {_q(META_TABLE)}"
        f"({_q('id')} STRING PRIMARY KEY, {_q('version')} INT64, {_q('loaded_at')} STRING)"
    )
    for label in Label:
        statements += [
            f"ALTER TABLE {_q(label.value)} ADD IF NOT EXISTS {_q(p)} {LADYBUG_TYPES[t]}"
            for p, t in NODES[label].properties.items()
            if p != "id"
        ]
    for rel in RelType:
        spec = RELATIONSHIPS[rel]
        statements += [
            f"ALTER TABLE {_q(rel.value)} ADD IF NOT EXISTS FROM {_q(a.value)} TO {_q(b.value)}"
            for a, b in spec.endpoints
        ]
        statements += [
            f"ALTER TABLE {_q(rel.value)} ADD IF NOT EXISTS {_q(p)} {LADYBUG_TYPES[t]}"
            for p, t in spec.properties.items()
        ]
    return statements


def node_row_keys(label: Label) -> tuple[str, ...]:
    """The fields of each ``$rows`` struct of upsert_nodes: every declared property."""
    return tuple(NODES[label].properties)


def rel_row_keys(rel: RelType) -> tuple[str, ...]:
    """The fields of each ``$rows`` struct of upsert_relationships."""
    return ("start", "end", *RELATIONSHIPS[rel].properties)


def _unchanged(var: str, props: dict[str, PropType]) -> str:
    """True when ``var`` exists and holds every property as the row has it (null for
    null): such a row's write changes nothing."""
    same = []
    for p, t in props.items():
        value = _cast("row." + _q(p), t)
        same.append(
            f"coalesce({var}.{_q(p)} = {value}, {var}.{_q(p)} IS NULL AND row.{_q(p)} IS NULL)"
        )
    return " AND ".join([f"{var} IS NOT NULL", *same])


def upsert_nodes(label: Label) -> str:
    """MERGE and SET; one row back per input row, true where the node already held these
    properties."""
    props = {p: t for p, t in NODES[label].properties.items() if p != "id"}
    sets = ", ".join(f"n.{_q(p)} = {_cast('row.' + _q(p), t)}" for p, t in props.items())
    set_clause = f" SET {sets}" if sets else ""
    return (
        f"UNWIND $rows AS row "
        f"OPTIONAL MATCH (old:{_q(label.value)} {{{_q('id')}: row.{_q('id')}}}) "
        f"WITH row, {_unchanged('old', props)} AS same "
        f"MERGE (n:{_q(label.value)} {{{_q('id')}: row.{_q('id')}}})"
        f"{set_clause} RETURN same"
    )


def upsert_relationships(rel: RelType, start: Label, end: Label) -> str:
    """One row back per written row: its key, and whether the relationship held exactly the
    row's properties before the SET. A relationship just created holds none, so it counts
    as same only for a row whose properties are all null (the store corrects for those).
    A look-up of the old relationship before the MERGE, in any form, filled the buffer pool
    within one transaction; the MERGE's own match does not."""
    props = {p: t for p, t in RELATIONSHIPS[rel].properties.items() if p != "key"}
    sets = ", ".join(f"r.{_q(p)} = {_cast('row.' + _q(p), t)}" for p, t in props.items())
    set_clause = f" SET {sets}" if sets else ""
    return (
        "UNWIND $rows AS row "
        f"MATCH (a:{_q(start.value)} {{{_q('id')}: row.{_q('start')}}}) "
        f"MATCH (b:{_q(end.value)} {{{_q('id')}: row.{_q('end')}}}) "
        f"MERGE (a)-[r:{_q(rel.value)} {{{_q('key')}: row.{_q('key')}}}]->(b) "
        f"WITH r, row, {_unchanged('r', props)} AS same"
        f"{set_clause} "
        f"RETURN row.{_q('key')}, same"
    )


def delete_relationships(rel: RelType) -> str:
    return (
        f"UNWIND $keys AS k MATCH ()-[r:{_q(rel.value)}]->() WHERE r.{_q('key')} = k "
        "DELETE r RETURN count(*) AS n"
    )


def delete_nodes(label: Label) -> str:
    return (
        f"UNWIND $ids AS i MATCH (n:{_q(label.value)} {{{_q('id')}: i}}) "
        "DETACH DELETE n RETURN count(*) AS n"
    )


def labels_of() -> str:
    return " UNION ALL ".join(
        f"UNWIND $ids AS i MATCH (n:{_q(label.value)} {{{_q('id')}: i}}) "
        f"RETURN DISTINCT n.{_q('id')} AS id, label(n) AS label"
        for label in Label
    )


def nodes_by_id(label: Label) -> str:
    """Primary-key lookups per id (``WHERE n.id IN $ids`` would scan the table)."""
    return (
        f"UNWIND $ids AS i MATCH (n:{_q(label.value)} {{{_q('id')}: i}}) "
        f"RETURN DISTINCT n ORDER BY n.{_q('id')}"
    )


def page(label: Label) -> str:
    after = "CAST($after AS STRING)"
    return (
        f"MATCH (n:{_q(label.value)}) WHERE {after} IS NULL OR n.{_q('id')} > {after} "
        f"RETURN n ORDER BY n.{_q('id')} LIMIT $first"
    )


def count(label: Label) -> str:
    return f"MATCH (n:{_q(label.value)}) RETURN count(n) AS n"


def neighbours(label: Label, rel: RelType, *, outgoing: bool) -> str:
    arrow = f"-[:{_q(rel.value)}]->" if outgoing else f"<-[:{_q(rel.value)}]-"
    return (
        f"MATCH (a:{_q(label.value)} {{{_q('id')}: $id}}){arrow}(b) "
        f"RETURN DISTINCT b ORDER BY b.{_q('id')}"
    )


def neighbours_of(label: Label, rel: RelType, *, outgoing: bool) -> str:
    arrow = f"-[:{_q(rel.value)}]->" if outgoing else f"<-[:{_q(rel.value)}]-"
    return (
        f"MATCH (a:{_q(label.value)}){arrow}(b) WHERE a.{_q('id')} IN $ids "
        f"RETURN DISTINCT a.{_q('id')} AS asked, b ORDER BY asked, b.{_q('id')}"
    )


def extract_nodes(label: Label) -> str:
    return f"MATCH (n:{_q(label.value)}) RETURN n"


def extract_relationships(rel: RelType, properties: tuple[str, ...]) -> str:
    """Start id, end id, then the given properties, one row each (plain columns stream
    faster here than ``collect()`` or whole relationship values)."""
    cols = "".join(f", r.{_q(p)}" for p in properties)
    return f"MATCH (a)-[r:{_q(rel.value)}]->(b) RETURN a.{_q('id')}, b.{_q('id')}{cols}"


def count_relationships(rel: RelType) -> str:
    return f"MATCH ()-[r:{_q(rel.value)}]->() RETURN count(r) AS n"


GRAPH_VERSION = (
    f"OPTIONAL MATCH (m:{_q(META_TABLE)} {{{_q('id')}: 'graph'}}) "
    f"OPTIONAL MATCH (l:{_q(META_TABLE)} {{{_q('id')}: 'load'}}) "
    f"RETURN coalesce(m.{_q('version')}, 0) AS version, m.{_q('loaded_at')} AS loaded_at, "
    f"l.{_q('loaded_at')} AS incomplete"
)
"""The version, and the start of a load not completed (the ``load`` row, if any)."""

BUMP_VERSION = (
    f"MERGE (m:{_q(META_TABLE)} {{{_q('id')}: 'graph'}}) "
    f"SET m.{_q('version')} = coalesce(m.{_q('version')}, 0) + 1, "
    f"m.{_q('loaded_at')} = CAST($loaded_at AS STRING) "
    f"RETURN m.{_q('version')} AS version, m.{_q('loaded_at')} AS loaded_at"
)

BEGIN_LOAD = (
    f"MERGE (l:{_q(META_TABLE)} {{{_q('id')}: 'load'}}) "
    f"SET l.{_q('loaded_at')} = CAST($started_at AS STRING)"
)
"""The load record: written before a load's transaction, deleted in it by END_LOAD."""

END_LOAD = f"MATCH (l:{_q(META_TABLE)} {{{_q('id')}: 'load'}}) DELETE l"

PING = "RETURN 1 AS ok"


def clear_statements() -> list[str]:
    """Relationships first, then every node table, the meta table included."""
    statements = [f"MATCH ()-[r:{_q(rel.value)}]->() DELETE r" for rel in RelType]
    statements += [f"MATCH (n:{_q(label.value)}) DELETE n" for label in Label]
    statements.append(f"MATCH (m:{_q(META_TABLE)}) DELETE m")
    return statements


BEGIN = "BEGIN TRANSACTION"
COMMIT = "COMMIT"
ROLLBACK = "ROLLBACK"


def _path_baseline(end: str) -> str:
    return (
        f"MATCH (p:Product)-[rs:CONTAINS|MADE_FROM*1..8]->(x{end})\n"
        "MATCH (c:Country)-[pr:PRODUCES]->(x)\n"
        "RETURN p.id AS product, c.id AS country, x.stage AS stage,\n"
        "       sum(list_reduce(properties(rels(rs), 'share'), (a, b) -> a * b) * pr.share)"
        " AS share,\n"
        "       count(*) AS paths"
    )


PATH_BASELINE = "\nUNION ALL\n".join(
    _path_baseline(f":{label}") for label in ("Material", "MagnetType", "Component")
)
"""WRONG ALGORITHM, kept only as the benchmark's baseline (graph/stores/path_baseline.py):
neo4j_queries.PATH_BASELINE in Ladybug 0.22's dialect. It has no ``reduce``
(``list_reduce`` over ``properties(rels(rs), 'share')`` instead), and needs one query per
end label joined by UNION ALL: with an unlabelled end node (PATH_BASELINE_UNLABELLED) it
runs out of buffer pool at 100k edges, where the labelled union answers in ~3 s."""

PATH_BASELINE_UNLABELLED = (
    "MATCH (p:Product)-[rs:CONTAINS|MADE_FROM*1..8]->(x)\n"
    "MATCH (:Country {id: $country})-[pr:PRODUCES]->(x)\n"
    "RETURN p.id AS product, x.stage AS stage,\n"
    "       sum(list_reduce(properties(rels(rs), 'share'), (a, b) -> a * b) * pr.share)"
    " AS share,\n"
    "       count(*) AS paths"
)
"""WRONG ALGORITHM, and fails on Ladybug 0.22 from 100k edges (see PATH_BASELINE): kept to
reproduce that failure. Not run by the benchmark."""
