"""Row bases: the problems, references and records a row reports, and the cited row.

Every model of the format derives from ``Row`` (or ``Cited``, for rows that name a source and
a confidence). The models themselves sit beside this module, grouped as docs/data-format.md
orders them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from graph.model import (
    RELATIONSHIPS,
    Label,
    RelType,
    relationship_allowed,
)
from graph.records import NodeRecord, RelRecord, Value, relationship_key
from loaders.fields import (
    Id,
)

Labels = Mapping[str, Label]
"""The label of every id a row references, as validation resolved them."""


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong with one field of a row."""

    field: str
    message: str


@dataclass(frozen=True)
class Ref:
    """An id a row names in ``field``; ``labels`` are the kinds it may be (empty: any kind,
    the relationship it becomes then says which ends it allows)."""

    field: str
    id: str
    labels: tuple[Label, ...] = ()


@dataclass
class Records:
    nodes: list[NodeRecord] = field(default_factory=list)
    rels: list[RelRecord] = field(default_factory=list)
    problems: list[FieldProblem] = field(default_factory=list)


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


def ends(rel: RelType, side: int) -> tuple[Label, ...]:
    """The labels one side of ``rel`` allows (0 start, 1 end), in declaration order."""
    return tuple(dict.fromkeys(pair[side] for pair in RELATIONSHIPS[rel].endpoints))


class Row(BaseModel):
    """Base of every row model. Subclasses set ``file`` and implement ``records``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)
    file: ClassVar[str]
    defines_nodes: ClassVar[bool] = False

    def declares(self) -> list[tuple[str, Label]]:
        return []

    def references(self) -> list[Ref]:
        return []

    def checks(self) -> list[FieldProblem]:
        return []

    def citation(self) -> tuple[str, Confidence] | None:
        """The source this row cites and with what confidence, if any."""
        return None

    def records(self, labels: Labels) -> Records:
        raise NotImplementedError


class Cited(Row):
    source: Id
    confidence: Confidence
    note: str | None = None

    def citation(self) -> tuple[str, Confidence] | None:
        return self.source, self.confidence

    def references(self) -> list[Ref]:
        return [Ref("source", self.source, (Label.SOURCE,))]

    def provenance(self) -> dict[str, Value]:
        return {"source": self.source, "confidence": self.confidence.value, "note": self.note}

    def node(self, label: Label, node_id: str, **props: Value) -> NodeRecord:
        return NodeRecord(label, node_id, {"id": node_id, **props, **self.provenance()})

    def rel(
        self,
        out: Records,
        labels: Labels,
        rel: RelType,
        start: tuple[str, str],
        end: tuple[str, str],
        *discriminators: object,
        **props: Value,
    ) -> None:
        """A relationship between two ids named by (field, id), or the problem with it."""
        start_label, end_label = labels[start[1]], labels[end[1]]
        if not relationship_allowed(rel, start_label, end_label):
            out.problems.append(
                FieldProblem(
                    end[0],
                    f"{rel.value} cannot link {start_label.value} '{start[1]}' "
                    f"to {end_label.value} '{end[1]}'",
                )
            )
            return
        key = relationship_key(rel, start[1], end[1], self.source, *discriminators)
        out.rels.append(
            RelRecord(
                rel, start_label, start[1], end_label, end[1], key, {**props, **self.provenance()}
            )
        )
