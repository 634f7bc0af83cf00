"""Checks on the text of a store's query module: every builder, called with every name the
model allows, and what is left of a statement once its backticked names are taken out."""

from __future__ import annotations

import inspect
import itertools
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from graph.model import RELATIONSHIPS, Label, RelType

IDENTIFIER = re.compile(r"`(?:[^`]|``)*`")
"""One backticked name, a doubled backtick standing for a backtick inside it."""

PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
LITERAL = re.compile(r"'[^']*'")

NAME_TYPES = {"Label", "RelType", "bool", "tuple[str, ...]"}
"""What a builder may take: names from graph.model and switches, never a value."""

HOSTILE_NAMES = ("back`tick", "`}) DETACH DELETE n //", "o'brien", 'say "hi"', "磁石")


def builders(module: ModuleType) -> dict[str, Any]:
    """The public functions the module defines."""
    return {
        name: fn
        for name, fn in vars(module).items()
        if inspect.isfunction(fn) and fn.__module__ == module.__name__ and not name.startswith("_")
    }


def constants(module: ModuleType) -> dict[str, str]:
    return {name: v for name, v in vars(module).items() if name.isupper() and isinstance(v, str)}


def _choices(annotation: str) -> list[Any]:
    if annotation == "Label":
        return list(Label)
    if annotation == "RelType":
        return list(RelType)
    if annotation == "bool":
        return [True, False]
    return [None]  # tuple[str, ...]: a relationship's properties, filled in below


def statements(module: ModuleType) -> Iterator[tuple[str, str]]:
    """(where, statement) for every builder over every name it accepts (a relationship's
    property names being its declared ones), and every string constant."""
    for name, fn in builders(module).items():
        params = list(inspect.signature(fn).parameters.values())
        for combo in itertools.product(*(_choices(str(p.annotation)) for p in params)):
            rel = next((v for v in combo if isinstance(v, RelType)), None)
            values = [
                tuple(RELATIONSHIPS[rel].properties) if v is None and rel else v for v in combo
            ]
            args = [v for p, v in zip(params, values, strict=True) if p.kind is not p.KEYWORD_ONLY]
            kwargs = {
                p.name: v for p, v in zip(params, values, strict=True) if p.kind is p.KEYWORD_ONLY
            }
            built = fn(*args, **kwargs)
            for statement in built if isinstance(built, list) else [built]:
                if isinstance(statement, str):
                    yield f"{name}{tuple(values)}", statement
    for name, value in constants(module).items():
        yield name, value


def outside_names(statement: str) -> str:
    """The statement with every backticked name replaced by ``_``."""
    return IDENTIFIER.sub("_", statement)
