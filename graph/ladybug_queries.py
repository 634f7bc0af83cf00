"""Every Cypher statement the embedded (Ladybug) store runs, as constants or pure builders.

Labels, relationship types and property names come only from graph.model and are
backticked; values are always ``$parameters``. Ladybug's dialect differs from Neo4j's:

- tables are declared first: one node table per Label, one relationship table per RelType
  listing every allowed (FROM, TO) pair, all derived from graph.model;
- a parameter's type is inferred from its value, so every value written is ``CAST`` to its
  declared type, and a null ``$after`` (else inferred as BOOLEAN) is cast to STRING;
- rows travel column-wise, not as a list of structs, and the statement text depends on
  which columns are all null or all empty (see ``_columns``);
- ``end`` is a keyword, so names are always backticked;
- there are no write counters: an upsert counts the table before and after, in its
  transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

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
    return statements


class Statement(NamedTuple):
    """A statement and the parameters it was built for."""

    query: str
    params: dict[str, Any]


def _param(name: str) -> str:
    if not name.isidentifier():
        raise ValueError(f"not a usable parameter name: {name!r}")
    return "p_" + name


def _columns(
    var: str, properties: Mapping[str, PropType], rows: Sequence[Mapping[str, Any]]
) -> tuple[list[str], dict[str, Any]]:
    """SET items and parameters writing every declared property of every row, column-wise.

    Rows travel as one list per property (``$p_<name>``, indexed by ``i``): Ladybug converts
    a list of structs about ten times slower than lists of scalars. Three column shapes
    would otherwise be mistyped, so they are written differently (same rows, other text):
    - null in every row: the list would be typed ANY and fail, so ``= NULL``;
    - STRING[] with no non-empty list: indexing a list of empty lists fails to bind, so a
      BOOLEAN null mask and an empty literal;
    - other STRING[]: a list of lists holding nulls is converted wrongly (elements come back
      quoted), so these travel as one list of structs, ``$lists``, read with struct_extract.
    """
    sets: list[str] = []
    params: dict[str, Any] = {}
    in_structs: list[str] = []
    for prop, prop_type in properties.items():
        target = f"{var}.{_q(prop)}"
        values = [row.get(prop) for row in rows]
        ref = f"${_param(prop)}[i]"
        if all(v is None for v in values):
            sets.append(f"{target} = NULL")
        elif prop_type is PropType.STRINGS and not any(values):
            params[_param(prop)] = [v is None for v in values]
            sets.append(f"{target} = CASE WHEN {ref} THEN NULL ELSE CAST([] AS STRING[]) END")
        elif prop_type is PropType.STRINGS:
            in_structs.append(prop)
            extract = f"struct_extract($lists[i], '{_param(prop)}')"
            sets.append(f"{target} = {_cast(extract, prop_type)}")
        else:
            params[_param(prop)] = values
            sets.append(f"{target} = {_cast(ref, prop_type)}")
    if in_structs:
        params["lists"] = [{_param(p): row.get(p) for p in in_structs} for row in rows]
    return sets, params


def upsert_nodes(label: Label, rows: Sequence[Mapping[str, Any]]) -> Statement:
    """MERGE each row's node on id and set every other declared property (null clears)."""
    props = {p: t for p, t in NODES[label].properties.items() if p != "id"}
    sets, params = _columns("n", props, rows)
    params[_param("id")] = [row.get("id") for row in rows]
    set_clause = f" SET {', '.join(sets)}" if sets else ""
    query = (
        f"UNWIND range(1, size(${_param('id')})) AS i "
        f"MERGE (n:{_q(label.value)} {{{_q('id')}: ${_param('id')}[i]}}){set_clause}"
    )
    return Statement(query, params)


def upsert_relationships(
    rel: RelType, start: Label, end: Label, rows: Sequence[Mapping[str, Any]]
) -> Statement:
    """MERGE each row's relationship on (start, end, key) and set its declared properties."""
    props = {p: t for p, t in RELATIONSHIPS[rel].properties.items() if p != "key"}
    sets, params = _columns("r", props, rows)
    for name in ("start", "end", "key"):
        params[_param(name)] = [row.get(name) for row in rows]
    set_clause = f" SET {', '.join(sets)}" if sets else ""
    query = (
        f"UNWIND range(1, size(${_param('key')})) AS i "
        f"MATCH (a:{_q(start.value)} {{{_q('id')}: ${_param('start')}[i]}}) "
        f"MATCH (b:{_q(end.value)} {{{_q('id')}: ${_param('end')}[i]}}) "
        f"MERGE (a)-[r:{_q(rel.value)} {{{_q('key')}: ${_param('key')}[i]}}]->(b)"
        f"{set_clause}"
    )
    return Statement(query, params)


def labels_of() -> str:
    return " UNION ALL ".join(
        f"UNWIND $ids AS i MATCH (n:{_q(label.value)} {{{_q('id')}: i}}) "
        f"RETURN DISTINCT n.{_q('id')} AS id, label(n) AS label"
        for label in Label
    )


def nodes_by_id(label: Label) -> str:
    return f"MATCH (n:{_q(label.value)}) WHERE n.{_q('id')} IN $ids RETURN n ORDER BY n.{_q('id')}"


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


def extract_nodes(label: Label) -> str:
    return f"MATCH (n:{_q(label.value)}) RETURN n"


def extract_relationships(rel: RelType) -> str:
    """Start id, end id, then every declared property in RELATIONSHIPS order, one row each
    (plain columns stream faster here than ``collect()`` or whole relationship values)."""
    cols = ", ".join(f"r.{_q(p)}" for p in RELATIONSHIPS[rel].properties)
    return f"MATCH (a)-[r:{_q(rel.value)}]->(b) RETURN a.{_q('id')}, b.{_q('id')}, {cols}"


def count_relationships(rel: RelType) -> str:
    return f"MATCH ()-[r:{_q(rel.value)}]->() RETURN count(r) AS n"


GRAPH_VERSION = (
    f"OPTIONAL MATCH (m:{_q(META_TABLE)} {{{_q('id')}: 'graph'}}) "
    f"RETURN coalesce(m.{_q('version')}, 0) AS version, m.{_q('loaded_at')} AS loaded_at"
)

BUMP_VERSION = (
    f"MERGE (m:{_q(META_TABLE)} {{{_q('id')}: 'graph'}}) "
    f"SET m.{_q('version')} = coalesce(m.{_q('version')}, 0) + 1, "
    f"m.{_q('loaded_at')} = CAST($loaded_at AS STRING) "
    f"RETURN m.{_q('version')} AS version, m.{_q('loaded_at')} AS loaded_at"
)

PING = "RETURN 1 AS ok"

BEGIN = "BEGIN TRANSACTION"
COMMIT = "COMMIT"
ROLLBACK = "ROLLBACK"
