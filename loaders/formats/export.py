"""Write a store's whole graph to files: the CSV layout of `neo4j-admin database import`,
or GraphML for other tools.

neo4j-admin layout: one ``nodes_<Label>.csv`` per label with ``id:ID`` and ``:LABEL``, one
``relationships_<TYPE>.csv`` per type with ``:START_ID``, ``:END_ID`` and ``:TYPE``; typed
headers (``share:double``, ``roles:string[]`` with ``;`` between items). ``import.sh`` holds
the matching command. `supplygraph load` reads the same layout back (readers/neo4j_admin).
"""

from __future__ import annotations

import csv
import shlex
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.model import NODES, RELATIONSHIPS, Label, PropType, RelType
from graph.stores.base import Store

ADMIN_TYPES: dict[PropType, str] = {
    PropType.STRING: "string",
    PropType.DOUBLE: "double",
    PropType.INT: "long",
    PropType.BOOL: "boolean",
    PropType.STRINGS: "string[]",
}
ARRAY_DELIMITER = ";"
GRAPHML_TYPES: dict[PropType, str] = {
    PropType.STRING: "string",
    PropType.DOUBLE: "double",
    PropType.INT: "long",
    PropType.BOOL: "boolean",
    PropType.STRINGS: "string",
}


@dataclass(frozen=True)
class ExportSummary:
    nodes: int
    relationships: int
    files: tuple[str, ...]


def node_file(label: Label) -> str:
    return f"nodes_{label.value}.csv"


def relationship_file(rel: RelType) -> str:
    return f"relationships_{rel.value}.csv"


def node_header(label: Label) -> list[str]:
    props = NODES[label].properties
    return ["id:ID", *(f"{p}:{ADMIN_TYPES[t]}" for p, t in props.items() if p != "id"), ":LABEL"]


def relationship_header(rel: RelType) -> list[str]:
    props = RELATIONSHIPS[rel].properties
    return [":START_ID", ":END_ID", ":TYPE", *(f"{p}:{ADMIN_TYPES[t]}" for p, t in props.items())]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(str(v) for v in value)
    return str(value)


def export_neo4j_admin(*, store: Store, folder: Path) -> ExportSummary:
    folder.mkdir(parents=True, exist_ok=True)
    files: list[str] = []
    n_nodes = n_rels = 0
    for label in Label:
        props = [p for p in NODES[label].properties if p != "id"]
        rows = [
            [node.id, *(_cell(node.properties.get(p)) for p in props), label.value]
            for node in store.extract_nodes([label])
        ]
        n_nodes += len(rows)
        files.append(_write_csv(folder / node_file(label), node_header(label), rows))
    for rel in RelType:
        props = list(RELATIONSHIPS[rel].properties)
        rows = [
            [r.start, r.end, rel.value, *(_cell(r.properties.get(p)) for p in props)]
            for r in store.extract_relationships([rel])
        ]
        n_rels += len(rows)
        files.append(_write_csv(folder / relationship_file(rel), relationship_header(rel), rows))
    files.append(_write_import_script(folder))
    return ExportSummary(n_nodes, n_rels, tuple(files))


def _write_csv(path: Path, header: list[str], rows: Iterable[list[str]]) -> str:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path.name


def _write_import_script(folder: Path) -> str:
    args = [f"--nodes={node_file(label)}" for label in Label]
    args += [f"--relationships={relationship_file(rel)}" for rel in RelType]
    command = " \\\n  ".join(
        [
            "neo4j-admin database import full",
            f"--array-delimiter={shlex.quote(ARRAY_DELIMITER)}",
            "--overwrite-destination=true",
            *args,
            '"${1:-neo4j}"',
        ]
    )
    script = folder / "import.sh"
    script.write_text(
        "#!/usr/bin/env sh\n"
        "# Bulk-import this export into a stopped Neo4j server's database (default: neo4j).\n"
        "# Run from this folder with neo4j-admin on the PATH; then start the server.\n"
        f'cd "$(dirname "$0")" && {command}\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script.name


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
                _data(element, ns, f"n_{name}", _cell(value))
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
                _data(element, ns, f"e_{name}", _cell(value))
        n_rels += 1
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return ExportSummary(n_nodes, n_rels, (path.name,))


def _data(element: ET.Element, ns: str, key: str, text: str) -> None:
    ET.SubElement(element, f"{{{ns}}}data", {"key": key}).text = text
