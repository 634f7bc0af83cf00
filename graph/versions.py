"""The graph version as the serving process knows it, so a request does not ask the store.

The process learns of its own writes at once (``note_write``). A store written by others (a
Neo4j server other processes load into) is asked again at most every ``recheck_seconds``;
between checks the known version is served, so a load by another process is seen within that
interval. No lock: the event loop reads the value, and a stale check is claimed by the first
request that notices it (the others keep the known version until it returns).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from graph.records import GraphVersion


class VersionTracker:
    def __init__(
        self,
        read: Callable[[], GraphVersion],
        *,
        recheck_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read = read
        self._recheck = recheck_seconds
        self._clock = clock
        self._known: GraphVersion | None = None
        self._checked_at = 0.0

    @property
    def known(self) -> GraphVersion | None:
        """The last version read or written, without asking the store."""
        return self._known

    def claim_check(self) -> bool:
        """True when the known version is due a check; the caller then calls ``refresh``.
        Claiming moves the check time forward, so concurrent requests do not all check."""
        now = self._clock()
        if self._known is not None and now - self._checked_at < self._recheck:
            return False
        self._checked_at = now
        return True

    def refresh(self) -> GraphVersion:
        """Ask the store (blocking: call it off the event loop)."""
        version = self._read()
        self._known = version
        self._checked_at = self._clock()
        return version

    def note_write(self, version: GraphVersion) -> None:
        """This process wrote the graph (a load through the server): serve ``version`` now."""
        self._known = version
        self._checked_at = self._clock()
