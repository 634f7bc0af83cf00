"""Validate raw rows into graph records, collecting every problem before anything is written."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from pydantic import ValidationError

from graph.errors import LoadError, Problem
from graph.model import Label, RelType
from graph.records import NodeRecord, Origin, RelRecord
from loaders.raw import RawRow, ReadProblem
from loaders.rows import FieldProblem, Row

LookupLabels = Callable[[Collection[str]], dict[str, Label]]

SHARE_TOLERANCE = 1e-6


@dataclass
class Batch:
    """Validated records, ready to write."""

    nodes: list[NodeRecord] = field(default_factory=list)
    relationships: list[RelRecord] = field(default_factory=list)


def validate(items: Iterable[RawRow | ReadProblem], *, existing: LookupLabels) -> Batch:
    """Turn raw rows into records or raise LoadError listing every problem.

    ``existing`` looks up the labels of ids already in the store, so a dataset may refer to
    nodes loaded earlier.
    """
    problems: list[Problem] = []
    parsed: list[tuple[Row, Origin]] = []
    for item in items:
        if isinstance(item, ReadProblem):
            problems.append(_problem(item.origin, item.field, item.message))
            continue
        try:
            parsed.append((item.model.model_validate(item.cells), item.origin))
        except ValidationError as e:
            problems.extend(_from_pydantic(item.origin, e))

    declared = _declared(parsed, problems)
    missing: set[str] = set()

    def probe(node_id: str) -> Label | None:
        label = declared.get(node_id)
        if label is None:
            missing.add(node_id)
        return label

    for row, _ in parsed:
        try:
            row.records(probe)
        except FieldProblem:
            pass
    known = {**existing(missing), **declared} if missing else declared

    batch = Batch()
    for row, origin in parsed:
        try:
            nodes, rels = row.records(known.get)
        except FieldProblem as e:
            problems.append(_problem(origin, e.field, e.message))
            continue
        batch.nodes.extend(NodeRecord(n.label, n.id, n.properties, origin) for n in nodes)
        batch.relationships.extend(
            RelRecord(
                r.type, r.start_label, r.start, r.end_label, r.end, r.key, r.properties, origin
            )
            for r in rels
        )
    problems.extend(check_relationships(batch.relationships))
    if problems:
        raise LoadError(sorted(problems, key=lambda p: (p.file, p.row, p.field)))
    return batch


def _problem(origin: Origin, field_name: str, message: str) -> Problem:
    return Problem(origin.file, origin.row, field_name, message)


def _from_pydantic(origin: Origin, error: ValidationError) -> list[Problem]:
    out = []
    for detail in error.errors(include_url=False):
        loc = ".".join(str(part) for part in detail["loc"]) or "row"
        given = detail.get("input")
        suffix = f" (got {given!r})" if isinstance(given, str) and loc != "row" else ""
        out.append(_problem(origin, loc, f"{detail['msg']}{suffix}"))
    return out


def _declared(parsed: list[tuple[Row, Origin]], problems: list[Problem]) -> dict[str, Label]:
    declared: dict[str, Label] = {}
    where: dict[str, Origin] = {}
    for row, origin in parsed:
        for node_id, label in row.declares():
            if node_id in declared:
                first = where[node_id]
                problems.append(
                    _problem(origin, "id", f"'{node_id}' is already defined at {first}")
                )
                continue
            declared[node_id] = label
            where[node_id] = origin
    return declared


def check_relationships(rels: list[RelRecord]) -> list[Problem]:
    """Checks across rows, whatever the input format: repeated facts, shares above 1."""
    return _duplicate_keys(rels) + _share_sums(rels)


def _duplicate_keys(rels: list[RelRecord]) -> list[Problem]:
    seen: dict[str, Origin | None] = {}
    out = []
    for rel in rels:
        if rel.key in seen and rel.origin is not None:
            out.append(
                _problem(
                    rel.origin,
                    "row",
                    f"repeats the fact at {seen[rel.key]} (same ends, source and year)",
                )
            )
        seen.setdefault(rel.key, rel.origin)
    return out


_SHARE_GROUPS: dict[RelType, Callable[[RelRecord], tuple[object, ...]]] = {
    RelType.CONTAINS: lambda r: (r.start, r.properties.get("source"), r.properties.get("year")),
    RelType.MADE_FROM: lambda r: (r.start, r.properties.get("source"), r.properties.get("year")),
    RelType.PRODUCES: lambda r: (r.end, r.properties.get("source"), r.properties.get("year")),
    RelType.SOURCES_FROM: lambda r: (
        r.start,
        r.properties.get("item"),
        r.properties.get("source"),
        r.properties.get("year"),
    ),
}


def _share_sums(rels: list[RelRecord]) -> list[Problem]:
    """Shares that one source gives for one whole must not add up to more than 1."""
    totals: dict[tuple[object, ...], float] = defaultdict(float)
    last: dict[tuple[object, ...], RelRecord] = {}
    for rel in rels:
        group = _SHARE_GROUPS.get(rel.type)
        share = rel.properties.get("share")
        if group is None or not isinstance(share, float | int):
            continue
        key = (rel.type, *group(rel))
        totals[key] += float(share)
        last[key] = rel
    out = []
    for key, total in totals.items():
        if total > 1.0 + SHARE_TOLERANCE:
            rel = last[key]
            assert rel.origin is not None
            out.append(
                _problem(
                    rel.origin,
                    "share",
                    f"the shares of {rel.type.value} rows for '{key[1]}' from source "
                    f"'{rel.properties.get('source')}' add up to {total:.4g}, above 1",
                )
            )
    return out
