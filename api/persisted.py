"""Persisted queries: Apollo's automatic persisted queries (APQ) and known documents.

APQ: a client sends ``extensions.persistedQuery = {version: 1, sha256Hash}``; without a
``query`` the server answers from its cache, or with ``PERSISTED_QUERY_NOT_FOUND`` so the
client sends the query once with the hash. Known documents: a JSON file, either
``{"<sha256>": "<document>"}`` or a list of documents; with ``persisted_only`` only those run.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from api.refusals import Refusal
from graph.errors import SettingsError

APQ_ENTRIES = 2000
APQ_BYTES = 8_000_000


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_known(path: Path) -> dict[str, str]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise SettingsError(f"cannot read the persisted queries file {path}: {e}") from e
    documents = list(raw.values()) if isinstance(raw, dict) else raw
    if not isinstance(documents, list) or not all(isinstance(d, str) for d in documents):
        raise SettingsError(
            f"{path}: expected a JSON object of sha256 -> document, or a list of documents"
        )
    known = {sha256(d): d for d in documents}
    if isinstance(raw, dict):
        wrong = [h for h in raw if h not in known]
        if wrong:
            raise SettingsError(f"{path}: key {wrong[0]} is not the sha256 of its document")
    return known


class PersistedQueries:
    def __init__(self, *, known: dict[str, str], only_known: bool) -> None:
        self.known = known
        self.only_known = only_known
        self._cache: OrderedDict[str, str] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def _remember(self, digest: str, query: str) -> None:
        with self._lock:
            if digest in self._cache:
                self._cache.move_to_end(digest)
                return
            self._cache[digest] = query
            self._bytes += len(query)
            while len(self._cache) > APQ_ENTRIES or self._bytes > APQ_BYTES:
                _, dropped = self._cache.popitem(last=False)
                self._bytes -= len(dropped)

    def _lookup(self, digest: str) -> str | None:
        if digest in self.known:
            return self.known[digest]
        with self._lock:
            found = self._cache.get(digest)
            if found is not None:
                self._cache.move_to_end(digest)
            return found

    def resolve(self, data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """The request with its query filled in from the hash; True when it was a hit."""
        query = data.get("query")
        extensions = data.get("extensions") or {}
        persisted = extensions.get("persistedQuery")
        if persisted is None:
            if self.only_known and (not isinstance(query, str) or sha256(query) not in self.known):
                raise Refusal(
                    400,
                    "PERSISTED_QUERY_NOT_IN_LIST",
                    "This server runs only its known documents; send one of them "
                    "(or its extensions.persistedQuery.sha256Hash).",
                )
            return data, False
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise Refusal(400, "PERSISTED_QUERY_BAD", "persistedQuery needs version 1.")
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or len(digest) != 64:
            raise Refusal(400, "PERSISTED_QUERY_BAD", "persistedQuery needs a sha256Hash.")
        digest = digest.lower()
        if query is None:
            found = self._lookup(digest)
            if found is None:
                if self.only_known:
                    raise Refusal(
                        400, "PERSISTED_QUERY_NOT_IN_LIST", "No known document has this hash."
                    )
                # Apollo clients look for this code, answered with 200, and retry with the query
                raise Refusal(200, "PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")
            return {**data, "query": found}, True
        if sha256(query) != digest:
            raise Refusal(
                400, "PERSISTED_QUERY_HASH_MISMATCH", "sha256Hash is not the hash of the query."
            )
        if self.only_known and digest not in self.known:
            raise Refusal(400, "PERSISTED_QUERY_NOT_IN_LIST", "No known document has this hash.")
        return data, False

    def register(self, data: dict[str, Any]) -> None:
        """Keep a query sent with its hash, once it has passed the limits."""
        persisted = (data.get("extensions") or {}).get("persistedQuery")
        query = data.get("query")
        if isinstance(persisted, dict) and isinstance(query, str) and not self.only_known:
            self._remember(sha256(query), query)
