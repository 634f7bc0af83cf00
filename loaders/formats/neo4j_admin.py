"""Reader for the CSV layout of `neo4j-admin database import`, as `supplygraph export`
writes it: ``nodes_*.csv`` with ``id:ID`` and ``:LABEL``, ``relationships_*.csv`` with
``:START_ID``, ``:END_ID`` and ``:TYPE``. Properties are checked against graph.model:
the label or type must exist, every column must be a declared property, every value must
parse as the declared type, and both ends of a relationship must exist with labels the
type allows.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Collection
from pathlib import Path

from graph.errors import LoadError, Problem
from graph.model import NODES, RELATIONSHIPS, Label, PropType, RelType, relationship_allowed
from graph.records import NodeRecord, Origin, RelRecord, Value
from loaders.formats.export import ARRAY_DELIMITER
from loaders.validate import Batch, check_relationships

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
        key = str(props.get("key") or f"{rel.value}|{start}|{end}|{props.get('source') or ''}")
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
