"""Helpers for the service edge's tests: settings variants, keys, and the queries that used
to hold the server (the DoS query, the alias flood)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from api.keys import KeyRing, Role
from api.settings import Settings


def _dos(levels: int) -> str:
    inner = "id"
    for _ in range(levels):
        inner = f"items {{ ... on Product {{ endUses {{ ... on EndUse {{ {inner} }} }} }} }}"
    return f"{{ endUses {{ nodes {{ {inner} }} }} }}"


DOS_QUERY = _dos(6)
"""`EndUse.items -> Product.endUses`, six deep."""

ALIAS_FLOOD = "{ " + " ".join(f"a{i}: graph {{ version }}" for i in range(1000)) + " }"


def variant(settings: Settings, **changes: Any) -> Settings:
    return settings.model_copy(update=changes)


def keys_for(settings: Settings, tmp: Path) -> tuple[Settings, str, str]:
    """Settings with a keys file holding one reader and one writer key; and the two keys."""
    ring = KeyRing(tmp / "keys.json")
    reader = ring.add("reader-1", Role.READER)
    writer = ring.add("writer-1", Role.WRITER)
    return variant(settings, keys_file=str(ring.path)), reader, writer


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
