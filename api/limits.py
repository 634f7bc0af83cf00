"""Query limits, checked on the document before anything runs: tokens, depth, aliases,
string lengths, introspection and a cost that counts list sizes.

The cost of a query is the number of fields it may resolve: each field costs one for every
element of the lists around it. A list's size is its `first`, `limit` or `paths` argument
(a connection's `first` sizes its `nodes` and `edges`), capped at the page-size limit; a list
without such an argument counts as ``DEFAULT_LIST_SIZE``. So `EndUse.items -> Product.endUses`
six deep costs about 20^12 and is refused in microseconds, and the walk stops at the first
limit crossed, so a fragment that spreads itself many times is refused as quickly.

Parsed documents are kept in a bounded cache keyed by their text; only the cost walk, which
depends on the variables, runs per request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    get_named_type,
    parse,
)

from api.refusals import Refusal

DEFAULT_LIST_SIZE = 20
SIZE_ARGUMENTS = ("first", "limit", "paths")
PAGED_FIELDS = frozenset({"nodes", "edges"})
INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})
CACHED_DOCUMENTS = 1000


@dataclass(frozen=True)
class Limits:
    max_depth: int = 10
    max_aliases: int = 30
    max_tokens: int = 2000
    max_cost: int = 50_000
    max_string_length: int = 1000
    max_page_size: int = 500
    introspection: bool = True


def refuse(code: str, message: str) -> Refusal:
    return Refusal(400, code, message)


class _Walk:
    """One pass over the selected operations; raises a Refusal at the first limit crossed."""

    def __init__(
        self,
        *,
        schema: GraphQLSchema,
        limits: Limits,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
    ) -> None:
        self.schema = schema
        self.limits = limits
        self.fragments = fragments
        self.variables = variables
        self.cost = 0
        self.aliases = 0
        self.active: set[str] = set()

    def size(self, value: ValueNode | None) -> int | None:
        if isinstance(value, IntValueNode):
            n: Any = int(value.value)
        elif isinstance(value, VariableNode):
            n = self.variables.get(value.name.value)
        else:
            return None
        if not isinstance(n, int) or isinstance(n, bool):
            return None
        return max(0, min(n, self.limits.max_page_size))

    def selections(
        self, node: SelectionSetNode, parent: Any, *, depth: int, weight: int, page: int | None
    ) -> None:
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                self.field(selection, parent, depth=depth, weight=weight, page=page)
            elif isinstance(selection, InlineFragmentNode):
                target = parent
                if selection.type_condition is not None:
                    target = self.schema.get_type(selection.type_condition.name.value) or parent
                self.selections(
                    selection.selection_set, target, depth=depth, weight=weight, page=page
                )
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in self.active:
                    continue  # unknown or cyclic: the spec validation that follows says so
                self.active.add(name)
                target = self.schema.get_type(fragment.type_condition.name.value) or parent
                self.selections(
                    fragment.selection_set, target, depth=depth, weight=weight, page=page
                )
                self.active.discard(name)

    def field(
        self, node: FieldNode, parent: Any, *, depth: int, weight: int, page: int | None
    ) -> None:
        name = node.name.value
        if name in INTROSPECTION_ROOTS:
            if not self.limits.introspection:
                raise refuse("INTROSPECTION_DISABLED", "Introspection is disabled on this server.")
            return  # the schema bounds it; the token limit bounds its text
        if node.alias is not None:
            self.aliases += 1
            if self.aliases > self.limits.max_aliases:
                raise refuse(
                    "TOO_MANY_ALIASES",
                    f"The query uses more than {self.limits.max_aliases} aliases.",
                )
        if node.selection_set is not None and depth + 1 > self.limits.max_depth:
            raise refuse(
                "QUERY_TOO_DEEP", f"The query is nested deeper than {self.limits.max_depth}."
            )
        self.cost += weight
        if self.cost > self.limits.max_cost:
            raise refuse(
                "QUERY_TOO_COSTLY",
                f"The query may resolve more than {self.limits.max_cost} fields "
                "(each list counted at its page size); ask for less, or page through it.",
            )
        if node.selection_set is None:
            return
        definition = None
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            definition = parent.fields.get(name)
        if definition is None:
            return  # an unknown field: the spec validation that follows says so
        arguments = {a.name.value: a.value for a in node.arguments or ()}
        sized = next(
            (self.size(arguments.get(a)) for a in SIZE_ARGUMENTS if a in definition.args),
            None,
        )
        if sized is None:
            sized = next(
                (
                    d
                    for a in SIZE_ARGUMENTS
                    if a in definition.args
                    and isinstance(d := definition.args[a].default_value, int)
                ),
                None,
            )
        kind = (
            definition.type.of_type
            if isinstance(definition.type, GraphQLNonNull)
            else (definition.type)
        )
        if isinstance(kind, GraphQLList):
            if sized is not None:
                factor = sized
            elif page is not None and name in PAGED_FIELDS:
                factor = page
            else:
                factor = DEFAULT_LIST_SIZE
            inner_page = None
        else:
            factor = 1
            inner_page = sized
        self.selections(
            node.selection_set,
            get_named_type(definition.type),
            depth=depth + 1,
            weight=max(weight * max(factor, 1), weight),
            page=inner_page,
        )


def _check_strings(document: DocumentNode, limit: int) -> None:
    def values(value: ValueNode) -> None:
        if isinstance(value, StringValueNode) and len(value.value) > limit:
            raise refuse(
                "ARGUMENT_TOO_LONG", f"A string argument is longer than {limit} characters."
            )
        if isinstance(value, ListValueNode):
            for item in value.values:
                values(item)
        elif isinstance(value, ObjectValueNode):
            for field in value.fields:
                values(field.value)

    def selection_set(node: SelectionSetNode | None) -> None:
        for selection in node.selections if node else ():
            if isinstance(selection, FieldNode):
                for argument in selection.arguments or ():
                    values(argument.value)
            if isinstance(selection, FieldNode | InlineFragmentNode):
                selection_set(selection.selection_set)

    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            for variable in definition.variable_definitions or ():
                if variable.default_value is not None:
                    values(variable.default_value)
        if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
            selection_set(definition.selection_set)


def check_variable_strings(value: Any, limit: int) -> None:
    if isinstance(value, str):
        if len(value) > limit:
            raise refuse(
                "ARGUMENT_TOO_LONG", f"A string variable is longer than {limit} characters."
            )
    elif isinstance(value, dict):
        for item in value.values():
            check_variable_strings(item, limit)
    elif isinstance(value, list):
        for item in value:
            check_variable_strings(item, limit)


class QueryGuard:
    """Checks one request's document and variables against the limits (thread-safe)."""

    def __init__(self, schema: GraphQLSchema, limits: Limits) -> None:
        self.schema = schema
        self.limits = limits
        self._documents: OrderedDict[str, DocumentNode] = OrderedDict()
        self._lock = threading.Lock()

    def _parse(self, text: str) -> DocumentNode | None:
        """The parsed document; None for a syntax error, which the schema answers itself."""
        with self._lock:
            cached = self._documents.get(text)
            if cached is not None:
                self._documents.move_to_end(text)
                return cached
        try:
            document = parse(text, no_location=True, max_tokens=self.limits.max_tokens)
        except GraphQLSyntaxError as e:
            if "tokens" in e.message and "Parsing aborted" in e.message:
                raise refuse(
                    "TOO_MANY_TOKENS",
                    f"The document has more than {self.limits.max_tokens} tokens.",
                ) from e
            return None
        except RecursionError as e:
            raise refuse("QUERY_TOO_DEEP", "The document is nested too deeply to parse.") from e
        _check_strings(document, self.limits.max_string_length)
        with self._lock:
            self._documents[text] = document
            while len(self._documents) > CACHED_DOCUMENTS:
                self._documents.popitem(last=False)
        return document

    def check(self, text: str, variables: dict[str, Any] | None) -> None:
        document = self._parse(text)
        if document is None:
            return
        values = dict(variables or {})
        check_variable_strings(values, self.limits.max_string_length)
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        for definition in document.definitions:
            if not isinstance(definition, OperationDefinitionNode):
                continue
            for variable in definition.variable_definitions or ():
                name = variable.variable.name.value
                if name not in values and isinstance(variable.default_value, IntValueNode):
                    values[name] = int(variable.default_value.value)
            root = {
                OperationType.QUERY: self.schema.query_type,
                OperationType.MUTATION: self.schema.mutation_type,
                OperationType.SUBSCRIPTION: self.schema.subscription_type,
            }[definition.operation]
            walk = _Walk(
                schema=self.schema, limits=self.limits, fragments=fragments, variables=values
            )
            walk.selections(definition.selection_set, root, depth=0, weight=1, page=None)
