"""The Cypher the Neo4j store sends, checked as text: parameters only, names backticked."""

from __future__ import annotations

from graph.model import NODES, Label, RelType
from graph.stores import neo4j_queries as cypher


def test_node_upsert_merges_on_id_and_sets_every_declared_property() -> None:
    query = cypher.upsert_nodes(Label.COMPANY)
    assert query.startswith("UNWIND $rows AS row MERGE (n:`Company` {id: row.id}) SET ")
    for prop in NODES[Label.COMPANY].properties:
        if prop != "id":
            assert f"n.`{prop}` = row.`{prop}`" in query


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


def test_reads_take_values_only_as_parameters() -> None:
    assert "$after" in cypher.page(Label.PRODUCT) and "$first" in cypher.page(Label.PRODUCT)
    assert "$ids" in cypher.nodes_by_id(Label.PRODUCT)
    assert "$id" in cypher.neighbours(Label.PRODUCT, RelType.MAKES, outgoing=False)
    assert cypher.neighbours(Label.PRODUCT, RelType.MAKES, outgoing=False).count("<-[:`MAKES`]-")
    assert cypher.labels_of().count("UNION ALL") == len(Label) - 1
