"""The Cypher the embedded (Ladybug) store sends, checked as text: parameters only, names
backticked, every written value cast to its declared type.

tests/conformance/test_hostile_ids.py checks the other half on the running stores: that
hostile values reach them only as parameters and come back unharmed.
"""

from __future__ import annotations

import pytest

from graph.model import NODES, RELATIONSHIPS, Label, RelType
from graph.stores import ladybug_queries as cypher
from tests.support import cypher_text


def test_node_upsert_merges_on_id_and_casts_every_declared_property() -> None:
    query = cypher.upsert_nodes(Label.COMPANY)
    assert query.startswith("UNWIND $rows AS row ")
    assert " MERGE (n:`Company` {`id`: row.`id`}) SET " in query
    lookup = query.index("OPTIONAL MATCH (old:`Company` {`id`: row.`id`})")
    assert lookup < query.index("MERGE") < query.index(" SET ")
    assert (
        "coalesce(old.`roles` = CAST(row.`roles` AS STRING[]), "
        "old.`roles` IS NULL AND row.`roles` IS NULL)"
    ) in query
    assert "n.`roles` = CAST(row.`roles` AS STRING[])" in query
    for prop in NODES[Label.COMPANY].properties:
        if prop != "id":
            assert f"n.`{prop}` = CAST(row.`{prop}` AS " in query
    assert cypher.node_row_keys(Label.COMPANY) == tuple(NODES[Label.COMPANY].properties)


def test_relationship_upsert_matches_both_ends_and_merges_on_key() -> None:
    query = cypher.upsert_relationships(RelType.CONTAINS, Label.PRODUCT, Label.COMPONENT)
    assert "MATCH (a:`Product` {`id`: row.`start`})" in query
    assert "MATCH (b:`Component` {`id`: row.`end`})" in query
    assert "MERGE (a)-[r:`CONTAINS` {`key`: row.`key`}]->(b)" in query
    assert "r.`share` = CAST(row.`share` AS DOUBLE)" in query
    assert cypher.rel_row_keys(RelType.CONTAINS) == (
        "start",
        "end",
        *RELATIONSHIPS[RelType.CONTAINS].properties,
    )


def test_schema_declares_every_table_and_every_endpoint_pair() -> None:
    statements = cypher.schema_statements()
    for label in Label:
        assert any(f"CREATE NODE TABLE IF NOT EXISTS `{label.value}`(" in s for s in statements)
    for rel in RelType:
        [table] = [
            s for s in statements if s.startswith(f"CREATE REL TABLE IF NOT EXISTS `{rel.value}`(")
        ]
        for a, b in RELATIONSHIPS[rel].endpoints:
            assert f"FROM `{a.value}` TO `{b.value}`" in table


def test_reads_name_their_parameters_and_direction() -> None:
    assert "CAST($after AS STRING)" in cypher.page(Label.PRODUCT)
    assert "$first" in cypher.page(Label.PRODUCT)
    assert "UNWIND $ids AS i" in cypher.nodes_by_id(Label.PRODUCT)
    query = cypher.neighbours(Label.PRODUCT, RelType.MAKES, outgoing=False)
    assert "{`id`: $id}" in query and query.count("<-[:`MAKES`]-") == 1
    assert cypher.labels_of().count("UNION ALL") == len(Label) - 1


def test_builders_take_names_from_the_model_never_values() -> None:
    """A value cannot be spliced into a statement whose builder never receives one."""
    for name, fn in cypher_text.builders(cypher).items():
        for param, annotation in fn.__annotations__.items():
            if param != "return":
                assert annotation in cypher_text.NAME_TYPES, f"{name}({param}: {annotation})"


def test_every_statement_takes_values_only_as_parameters() -> None:
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
            "country",
        }, where
        # 'share': the property name Ladybug's properties() takes as a string (PATH_BASELINE)
        assert set(cypher_text.LITERAL.findall(rest)) <= {"'graph'", "'load'", "'share'"}, where


def test_the_path_baseline_is_one_query_per_end_label() -> None:
    assert cypher.PATH_BASELINE.count("UNION ALL") == 2
    for label in ("Material", "MagnetType", "Component"):
        assert f"]->(x:{label})" in cypher.PATH_BASELINE
    assert "$country" in cypher.PATH_BASELINE_UNLABELLED


@pytest.mark.parametrize("name", cypher_text.HOSTILE_NAMES)
def test_a_hostile_property_name_stays_one_backticked_name(name: str) -> None:
    hostile = cypher.extract_relationships(RelType.CONTAINS, ("share", name))
    plain = cypher.extract_relationships(RelType.CONTAINS, ("share", "note"))
    assert "`" + name.replace("`", "``") + "`" in hostile
    assert cypher_text.outside_names(hostile) == cypher_text.outside_names(plain)
