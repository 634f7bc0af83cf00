"""The CSV layout of `neo4j-admin database import`, both ways: ``export_neo4j_admin``
writes a store's whole graph, ``read_batch`` reads it back for `supplygraph load`.

Layout: one ``nodes_<Label>.csv`` per label with ``id:ID`` and ``:LABEL``, one
``relationships_<TYPE>.csv`` per type with ``:START_ID``, ``:END_ID`` and ``:TYPE``; typed
headers (``share:double``, ``roles:string[]`` with ``;`` between items); ``import.sh`` holds
the matching command. On reading, properties are checked against graph.model: the label or
type must exist, every column must be a declared property, every value must parse as the
declared type, and both ends of a relationship must exist with labels the type allows.
"""

from __future__ import annotations

import csv
import shlex
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import LoadError, Problem
from graph.model import NODES, RELATIONSHIPS, Label, PropType, RelType, relationship_allowed
from graph.records import NodeRecord, Origin, RelRecord, Value, relationship_key
from graph.stores.base import Store
from loaders.checks import check_relationships
from loaders.validate import Batch

ADMIN_TYPES: dict[PropType, str] = {
    PropType.STRING: "string",
    PropType.DOUBLE: "double",
    PropType.INT: "long",
    PropType.BOOL: "boolean",
    PropType.STRINGS: "string[]",
}
ARRAY_DELIMITER = ";"


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


def cell(value: Any) -> str:
    """One value as a CSV cell: empty for null, lowercase booleans, lists joined by ';'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(str(v) for v in value)
    return str(value)


def export_neo4j_admin(*, store: Store, folder: Path) -> ExportSummary:
    """The whole graph in neo4j-admin's layout, rows sorted, so equal graphs give equal
    files whichever store holds them."""
    folder.mkdir(parents=True, exist_ok=True)
    files: list[str] = []
    n_nodes = n_rels = 0
    for label in Label:
        props = [p for p in NODES[label].properties if p != "id"]
        rows = sorted(
            [node.id, *(cell(node.properties.get(p)) for p in props), label.value]
            for node in store.extract_nodes([label])
        )
        n_nodes += len(rows)
        files.append(_write_csv(folder / node_file(label), node_header(label), rows))
    for rel in RelType:
        props = list(RELATIONSHIPS[rel].properties)
        rows = sorted(
            [r.start, r.end, rel.value, *(cell(r.properties.get(p)) for p in props)]
            for r in store.extract_relationships([rel])
        )
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
            # The database name right after `full`: after the options, --relationships'
            # list of files takes it as one more file ("File 'neo4j' doesn't exist").
            'neo4j-admin database import full "${1:-neo4j}"',
            f"--array-delimiter={shlex.quote(ARRAY_DELIMITER)}",
            "--overwrite-destination=true",
            *args,
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


LookupLabels = Callable[[Collection[str]], dict[str, Label]]
_SPECIAL = {"id:ID", ":ID", ":LABEL", ":START_ID", ":END_ID", ":TYPE"}


def is_admin_layout(path: Path) -> bool:
    if path.is_file():
        return path.name.startswith(("nodes_", "relationships_"))
    return any(path.glob("nodes_*.csv")) or any(path.glob("relationships_*.csv"))


def _files(path: Path, prefix: str) -> list[Path]:
    if path.is_file():
        return [path] if path.name.startswith(prefix) else []
    return sorted(path.glob(f"{prefix}*.csv"))


def _parse(value: str, prop_type: PropType) -> Value:
    if value == "":
        return None
    if prop_type is PropType.DOUBLE:
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError("is not a finite number")
        return number
    if prop_type is PropType.INT:
        return int(value)
    if prop_type is PropType.BOOL:
        if value.lower() not in ("true", "false"):
            raise ValueError("is not true or false")
        return value.lower() == "true"
    if prop_type is PropType.STRINGS:
        return [part for part in value.split(ARRAY_DELIMITER) if part]
    return value


def _columns(header: list[str]) -> list[str]:
    """Column names without their ``:type`` suffix (special columns kept whole)."""
    return [h if h in _SPECIAL else h.split(":", 1)[0] for h in header]


def read_batch(path: str, *, existing: LookupLabels) -> Batch:
    root = Path(path)
    problems: list[Problem] = []
    batch = Batch()
    declared: dict[str, Label] = {}
    for file in _files(root, "nodes_"):
        _read_nodes(file, batch, declared, problems)
    pending: list[tuple[RelType, str, str, dict[str, Value], Origin]] = []
    for file in _files(root, "relationships_"):
        _read_relationships(file, pending, problems)
    ends = {e for _, s, t, _, _ in pending for e in (s, t)} - declared.keys()
    known = {**existing(ends), **declared} if ends else declared
    for rel, start, end, props, origin in pending:
        labels = [known.get(start), known.get(end)]
        missing = [n for n, lb in zip((start, end), labels, strict=True) if lb is None]
        if missing:
            field = ":START_ID" if labels[0] is None else ":END_ID"
            problems.append(
                Problem(
                    origin.file,
                    origin.row,
                    field,
                    f"'{missing[0]}' is not defined in the files or the store",
                )
            )
            continue
        start_label, end_label = labels[0], labels[1]
        assert start_label is not None and end_label is not None
        if not relationship_allowed(rel, start_label, end_label):
            problems.append(
                Problem(
                    origin.file,
                    origin.row,
                    ":TYPE",
                    f"{rel.value} cannot link {start_label.value} '{start}' to "
                    f"{end_label.value} '{end}'",
                )
            )
            continue
        key = str(
            props.get("key") or relationship_key(rel, start, end, str(props.get("source") or ""))
        )
        props["key"] = key
        batch.relationships.append(
            RelRecord(rel, start_label, start, end_label, end, key, props, origin)
        )
    problems.extend(check_relationships(batch.relationships))
    if problems:
        raise LoadError(sorted(problems, key=lambda p: (p.file, p.row, p.field)))
    return batch


def _read_nodes(
    file: Path, batch: Batch, declared: dict[str, Label], problems: list[Problem]
) -> None:
    with file.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = _columns(next(reader, []))
        id_column = "id:ID" if "id:ID" in header else ":ID"
        for required in (id_column, ":LABEL"):
            if required not in header:
                problems.append(Problem(file.name, 1, required, "column missing"))
                return
        for line, cells in enumerate(reader, start=2):
            origin = Origin(file.name, line)
            row = dict(zip(header, cells, strict=False))
            node_id = row.get(id_column, "")
            try:
                label = Label(row.get(":LABEL", ""))
            except ValueError:
                problems.append(
                    Problem(file.name, line, ":LABEL", f"unknown label '{row.get(':LABEL')}'")
                )
                continue
            if not node_id:
                problems.append(Problem(file.name, line, id_column, "is empty"))
                continue
            if node_id in declared:
                problems.append(
                    Problem(file.name, line, id_column, f"'{node_id}' is defined twice")
                )
                continue
            props = _properties(row, NODES[label].properties, origin, problems)
            if props is None:
                continue
            props["id"] = node_id
            declared[node_id] = label
            batch.nodes.append(NodeRecord(label, node_id, props, origin))


def _read_relationships(
    file: Path,
    pending: list[tuple[RelType, str, str, dict[str, Value], Origin]],
    problems: list[Problem],
) -> None:
    with file.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = _columns(next(reader, []))
        for required in (":START_ID", ":END_ID", ":TYPE"):
            if required not in header:
                problems.append(Problem(file.name, 1, required, "column missing"))
                return
        for line, cells in enumerate(reader, start=2):
            origin = Origin(file.name, line)
            row = dict(zip(header, cells, strict=False))
            try:
                rel = RelType(row.get(":TYPE", ""))
            except ValueError:
                problems.append(
                    Problem(
                        file.name, line, ":TYPE", f"unknown relationship type '{row.get(':TYPE')}'"
                    )
                )
                continue
            props = _properties(row, RELATIONSHIPS[rel].properties, origin, problems)
            if props is not None:
                pending.append((rel, row[":START_ID"], row[":END_ID"], props, origin))


def _properties(
    row: dict[str, str],
    declared: dict[str, PropType],
    origin: Origin,
    problems: list[Problem],
) -> dict[str, Value] | None:
    props: dict[str, Value] = {}
    ok = True
    for column, value in row.items():
        if column in _SPECIAL or column == "id":
            continue
        prop_type = declared.get(column)
        if prop_type is None:
            problems.append(Problem(origin.file, origin.row, column, "is not a declared property"))
            ok = False
            continue
        try:
            props[column] = _parse(value, prop_type)
        except ValueError as e:
            problems.append(
                Problem(
                    origin.file,
                    origin.row,
                    column,
                    f"{value!r} is not a valid {prop_type.value}: {e}",
                )
            )
            ok = False
    return props if ok else None
