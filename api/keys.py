"""API keys: random bearer tokens of which only a SHA-256 hash is kept.

A key is 32 random bytes (urlsafe base64), so a plain SHA-256 is enough: there is no
dictionary to try against it, and checking it costs microseconds on every request. The file
is JSON, written atomically with mode 600; the server re-reads it when it changes, so
`supplygraph keys add` / `revoke` take effect without a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from graph.errors import SettingsError

KEY_PREFIX = "sg_"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class Role(StrEnum):
    READER = "reader"
    WRITER = "writer"


@dataclass(frozen=True)
class Principal:
    """Who a request is: a named key with its role, or anonymous (``name`` None)."""

    name: str | None
    role: Role | None

    @property
    def can_write(self) -> bool:
        return self.role is Role.WRITER


ANONYMOUS = Principal(None, None)


@dataclass(frozen=True)
class KeyEntry:
    name: str
    role: Role
    created: str


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyRing:
    """The keys file; reads are cached until the file's mtime or size changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._by_hash: dict[str, KeyEntry] = {}

    def _read(self) -> dict[str, dict[str, str]]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as e:
            raise SettingsError(f"cannot read the keys file {self.path}: {e}") from e
        keys = raw.get("keys") if isinstance(raw, dict) else None
        if not isinstance(keys, dict):
            raise SettingsError(f"the keys file {self.path} has no 'keys' object")
        return keys

    def _write(self, keys: dict[str, dict[str, str]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"keys": keys}, handle, indent=2, sort_keys=True)
        os.chmod(partial, 0o600)
        partial.replace(self.path)

    def entries(self) -> list[KeyEntry]:
        return [
            KeyEntry(name, Role(value["role"]), value.get("created", ""))
            for name, value in sorted(self._read().items())
        ]

    def add(self, name: str, role: Role) -> str:
        """Store a new key's hash and return the key (the only time it is seen)."""
        if not NAME.match(name):
            raise SettingsError(f"key name {name!r}: use 1-64 letters, digits, '.', '_' or '-'")
        keys = self._read()
        if name in keys:
            raise SettingsError(f"a key named {name!r} exists; revoke it first")
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        keys[name] = {
            "role": role.value,
            "sha256": digest(key),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        self._write(keys)
        return key

    def revoke(self, name: str) -> None:
        keys = self._read()
        if name not in keys:
            raise SettingsError(f"no key named {name!r} (see `supplygraph keys list`)")
        del keys[name]
        self._write(keys)

    def authenticate(self, key: str) -> Principal | None:
        """The key's principal, or None for an unknown key."""
        try:
            stat = self.path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            stamp = (0, 0)
        with self._lock:
            if stamp != self._stamp:
                self._by_hash = {
                    value["sha256"]: KeyEntry(name, Role(value["role"]), value.get("created", ""))
                    for name, value in self._read().items()
                }
                self._stamp = stamp
            wanted = digest(key)
            for known, entry in self._by_hash.items():
                if hmac.compare_digest(known, wanted):
                    return Principal(entry.name, entry.role)
        return None
