"""Caches for serving GraphQL: parsed and validated documents, and whole responses.

Parsing and validating a document costs milliseconds and depends on the text alone, so the
last ``document_cache_size`` of each are kept, by one extension (``DocumentCaches``):
parsed documents by their text (strawberry's ParserCache lets a syntax error escape
untyped), validation errors by the text and the validation rules in force (strawberry's
ValidationCache keys them by the parsed document, whose hash walks the whole tree on every
request).

The response cache keeps the JSON bytes of successful query responses, keyed by the
document, the variables, the operation name, the graph version and the caller's role, and
bounded in bytes (least recently used out first). A load bumps the graph version, so the
next request's key differs; the entries of older versions are dropped when a new version is
first seen. It runs on the event loop only, so it takes no lock.

The answer memo (``AnswerMemo``) keeps the converted answers of the current snapshot by
question and arguments, so a query asked with new variables (another ``limit``) does not
solve the same question again.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, TypeVar

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

T = TypeVar("T")

ENTRY_OVERHEAD = 96
"""Bytes counted per entry on top of its body: the key and the bookkeeping."""


@cache
def _parser(size: int) -> Callable[..., DocumentNode]:
    return lru_cache(maxsize=size)(parse)


class _Validations:
    """Validation errors by (schema, document text, rules), least recently used out first.
    Event loop only (strawberry validates on it), so no lock."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[Any, ...], list[GraphQLError]] = OrderedDict()

    def errors(
        self,
        schema: GraphQLSchema,
        text: str,
        rules: tuple[type[ASTValidationRule], ...],
        document: DocumentNode,
    ) -> list[GraphQLError]:
        key = (schema, text, rules)
        found = self._entries.get(key)
        if found is None:
            found = validate_document(schema, document, rules)
            self._entries[key] = found
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        else:
            self._entries.move_to_end(key)
        return list(found)


@cache
def _validations(size: int) -> _Validations:
    return _Validations(size)


class DocumentCaches(SchemaExtension):
    """Parsed documents and their validation from LRU caches shared by every request. A
    document that does not parse is left to strawberry, which parses it again and reports
    the error typed."""

    def __init__(self, *, size: int) -> None:
        super().__init__()
        self._parse = _parser(size)
        self._validations = _validations(size)

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None:
            try:
                context.graphql_document = self._parse(context.query, **context.parse_options)
            except GraphQLError:
                pass
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if context.query is not None and document is not None and context.validation_rules:
            context.pre_execution_errors = self._validations.errors(
                context.schema._schema, context.query, tuple(context.validation_rules), document
            )
        yield


def document_caches(size: int) -> list[Callable[[], SchemaExtension]]:
    return [lambda: DocumentCaches(size=size)]


def response_key(
    *,
    document: str,
    variables: Mapping[str, Any] | None,
    operation_name: str | None,
    role: str,
) -> bytes:
    """A digest of what decides a response within one graph version; the variables are
    canonicalised, so their order and spacing do not matter."""
    canonical = json.dumps(
        [document, variables or {}, operation_name, role],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).digest()


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    stored: int = 0
    evicted: int = 0


class ResponseCache:
    def __init__(self, *, max_bytes: int, max_entry_bytes: int | None = None) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_bytes // 8 if max_entry_bytes is None else max_entry_bytes
        self.stats = CacheStats()
        self._entries: OrderedDict[bytes, bytes] = OrderedDict()
        self._bytes = 0
        self._version: int | None = None

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def _at(self, version: int) -> None:
        if version != self._version:
            self._entries.clear()
            self._bytes = 0
            self._version = version

    def get(self, key: bytes, *, version: int) -> bytes | None:
        self._at(version)
        body = self._entries.get(key)
        if body is None:
            self.stats.misses += 1
            return None
        self._entries.move_to_end(key)
        self.stats.hits += 1
        return body

    def put(self, key: bytes, body: bytes, *, version: int) -> bool:
        """Keep ``body`` unless it is larger than one entry may be; False when not kept."""
        size = len(body) + ENTRY_OVERHEAD
        if not self.enabled or size > self.max_entry_bytes:
            return False
        self._at(version)
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old) + ENTRY_OVERHEAD
        self._entries[key] = body
        self._bytes += size
        self.stats.stored += 1
        while self._bytes > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= len(dropped) + ENTRY_OVERHEAD
            self.stats.evicted += 1
        return True


class AnswerMemo:
    """Converted answers of one snapshot, keyed by the question and its arguments.

    A snapshot never changes once solved, so an answer computed from it stays right for as
    long as its graph version stands; the memo is cleared when a snapshot of another version
    is first seen. Bounded by entry count (least recently used out first); ``size`` 0 turns
    it off. An answer that raises is not kept. Event loop only, so no lock: the compute
    functions are the engine's in-process calls, which never await."""

    def __init__(self, *, size: int) -> None:
        self.size = size
        self.stats = CacheStats()
        self._entries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._owner: object = None

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, owner: object, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """The answer ``compute`` gives for ``key`` on the snapshot ``owner`` (compared by
        identity: a rebuilt snapshot is another owner, whatever its version says)."""
        if self.size <= 0:
            return compute()
        if owner is not self._owner:
            self._entries.clear()
            self._owner = owner
        if key in self._entries:
            self._entries.move_to_end(key)
            self.stats.hits += 1
            found: T = self._entries[key]
            return found
        self.stats.misses += 1
        value = compute()
        self._entries[key] = value
        self.stats.stored += 1
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
            self.stats.evicted += 1
        return value
