"""Cursor pagination: opaque cursors over node ids, with a total count."""

from __future__ import annotations

import base64
import binascii
from typing import Generic, TypeVar

import strawberry

from graph.errors import QueryError

T = TypeVar("T")

_PREFIX = "id:"


def encode_cursor(node_id: str) -> str:
    return base64.urlsafe_b64encode((_PREFIX + node_id).encode()).decode()


def decode_cursor(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as e:
        raise QueryError(f"'{cursor}' is not a cursor this API gave out") from e
    if not text.startswith(_PREFIX):
        raise QueryError(f"'{cursor}' is not a cursor this API gave out")
    return text[len(_PREFIX) :]


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    total_count: int
    page_info: PageInfo
    edges: list[Edge[T]]

    @strawberry.field
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]
