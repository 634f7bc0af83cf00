"""Write a store's whole graph as GraphML, for Gephi, yEd and networkx."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from graph.model import NODES, RELATIONSHIPS, Label, PropType, RelType
from graph.stores.base import Store
from loaders.formats.neo4j_admin import ExportSummary, cell

GRAPHML_TYPES: dict[PropType, str] = {
    PropType.STRING: "string",
    PropType.DOUBLE: "double",
    PropType.INT: "long",
    PropType.BOOL: "boolean",
    PropType.STRINGS: "string",
}


def export_graphml(*, store: Store, path: Path) -> ExportSummary:
    """GraphML with one key per property; ``labels`` on nodes and ``label`` (the type) on
    edges, as Gephi, yEd and networkx read them; string lists joined with ';'."""
    ns = "http://graphml.graphdrawing.org/xmlns"
    ET.register_namespace("", ns)
    root = ET.Element(f"{{{ns}}}graphml")
    node_keys = {"labels": PropType.STRING}
    for spec in NODES.values():
        node_keys.update({p: t for p, t in spec.properties.items() if p != "id"})
    edge_keys = {"label": PropType.STRING}
    for rspec in RELATIONSHIPS.values():
        edge_keys.update(rspec.properties)
    for domain, keys in (("node", node_keys), ("edge", edge_keys)):
        for name, prop_type in keys.items():
            ET.SubElement(
                root,
                f"{{{ns}}}key",
                {
                    "id": f"{domain[0]}_{name}",
                    "for": domain,
                    "attr.name": name,
                    "attr.type": GRAPHML_TYPES[prop_type],
                },
            )
    graph = ET.SubElement(root, f"{{{ns}}}graph", {"id": "supplygraph", "edgedefault": "directed"})
    n_nodes = n_rels = 0
    for node in store.extract_nodes(list(Label)):
        element = ET.SubElement(graph, f"{{{ns}}}node", {"id": node.id})
        _data(element, ns, "n_labels", f":{node.label.value}")
        for name, value in sorted(node.properties.items()):
            if name != "id" and value is not None:
                _data(element, ns, f"n_{name}", cell(value))
        n_nodes += 1
    for rel in store.extract_relationships(list(RelType)):
        element = ET.SubElement(
            graph,
            f"{{{ns}}}edge",
            {"id": f"e{n_rels}", "source": rel.start, "target": rel.end},
        )
        _data(element, ns, "e_label", rel.type.value)
        for name, value in sorted(rel.properties.items()):
            if value is not None:
                _data(element, ns, f"e_{name}", cell(value))
        n_rels += 1
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return ExportSummary(n_nodes, n_rels, (path.name,))


def _data(element: ET.Element, ns: str, key: str, text: str) -> None:
    ET.SubElement(element, f"{{{ns}}}data", {"key": key}).text = text
