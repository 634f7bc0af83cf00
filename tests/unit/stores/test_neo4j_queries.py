"""The Cypher the Neo4j store sends, checked as text: parameters only, names backticked.

tests/conformance/test_hostile_ids.py checks the other half on the running stores: that
hostile values reach them only as parameters and come back unharmed.
"""

from __future__ import annotations

import pytest

from graph.model import NODES, Label, RelType
from graph.stores import neo4j_queries as cypher
from tests.support import cypher_text


def test_node_upsert_merges_on_id_and_sets_every_declared_property() -> None:
    query = cypher.upsert_nodes(Label.COMPANY)
    assert query.startswith("UNWIND $rows AS row ")
    assert " MERGE (n:`Company` {id: row.id}) SET " in query
    for prop in NODES[Label.COMPANY].properties:
        if prop != "id":
            assert f"n.`{prop}` = row.`{prop}`" in query


def test_node_upsert_counts_rows_that_change_nothing_before_it_sets() -> None:
    query = cypher.upsert_nodes(Label.COMPANY)
    lookup = query.index("OPTIONAL MATCH (old:`Company` {id: row.id})")
    assert lookup < query.index("MERGE") < query.index(" SET ")
    for prop in NODES[Label.COMPANY].properties:
        if prop != "id":
            assert (
                f"coalesce(old.`{prop}` = row.`{prop}`, "
                f"old.`{prop}` IS NULL AND row.`{prop}` IS NULL)"
            ) in query
    assert query.endswith("RETURN count(CASE WHEN same THEN 1 END) AS unchanged")


def test_relationship_upsert_matches_both_ends_and_merges_on_key() -> None:
    query = cypher.upsert_relationships(RelType.CONTAINS, Label.PRODUCT, Label.COMPONENT)
    assert "MATCH (a:`Product` {id: row.start})" in query
    assert "MATCH (b:`Component` {id: row.end})" in query
    assert "MERGE (a)-[r:`CONTAINS` {key: row.key}]->(b)" in query
    assert "r.`share` = row.`share`" in query


def test_schema_has_a_uniqueness_constraint_per_label_and_a_key_index_per_type() -> None:
    statements = cypher.schema_statements()
    for label in Label:
        assert any(f"FOR (n:`{label.value}`) REQUIRE n.id IS UNIQUE" in s for s in statements)
    for rel in RelType:
        assert any(f"FOR ()-[r:`{rel.value}`]-() REQUIRE r.key IS UNIQUE" in s for s in statements)
    assert all("IF NOT EXISTS" in s for s in statements)


def test_reads_name_their_parameters_and_direction() -> None:
    assert "$after" in cypher.page(Label.PRODUCT) and "$first" in cypher.page(Label.PRODUCT)
    assert "$ids" in cypher.nodes_by_id(Label.PRODUCT)
    assert "$id" in cypher.neighbours(Label.PRODUCT, RelType.MAKES, outgoing=False)
    assert cypher.neighbours(Label.PRODUCT, RelType.MAKES, outgoing=False).count("<-[:`MAKES`]-")
    assert cypher.labels_of().count("UNION ALL") == len(Label) - 1


def test_builders_take_names_from_the_model_never_values() -> None:
    """A value cannot be spliced into a statement whose builder never receives one."""
    for name, fn in cypher_text.builders(cypher).items():
        for param, annotation in fn.__annotations__.items():
            if param != "return":
                assert annotation in cypher_text.NAME_TYPES, f"{name}({param}: {annotation})"


def test_every_statement_takes_values_only_as_parameters() -> None:
    labels = {f"'{label.value}'" for label in Label}
    built = list(cypher_text.statements(cypher))
    assert len(built) > len(Label) * len(RelType)
    for where, statement in built:
        rest = cypher_text.outside_names(statement)
        assert "`" not in rest, where
        assert set(cypher_text.PARAMETER.findall(rest)) <= {
            "rows",
            "ids",
            "id",
            "after",
            "first",
            "loaded_at",
            "started_at",
            "limit",
        }, where
        assert set(cypher_text.LITERAL.findall(rest)) <= labels | {"'graph'", "'load'"}, where


@pytest.mark.parametrize("name", cypher_text.HOSTILE_NAMES)
def test_a_hostile_property_name_stays_one_backticked_name(name: str) -> None:
    hostile = cypher.extract_relationships(RelType.CONTAINS, ("share", name))
    plain = cypher.extract_relationships(RelType.CONTAINS, ("share", "note"))
    assert "`" + name.replace("`", "``") + "`" in hostile
    assert cypher_text.outside_names(hostile) == cypher_text.outside_names(plain)


def test_the_path_baseline_reads_every_country_at_once() -> None:
    assert cypher.PATH_BASELINE.startswith(
        "MATCH path = (p:Product)-[:CONTAINS|MADE_FROM*1..8]->(x)"
    )
    assert "c.id AS country" in cypher.PATH_BASELINE and "$" not in cypher.PATH_BASELINE
