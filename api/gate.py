"""Readers see the graph before a load or after it, never halfway.

A load takes the gate for writing: new requests wait at the door, the ones in flight finish,
the load writes, and the door opens again. Requests do not wait for each other otherwise:
the gate is a counter, not a lock on the request path.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType

import anyio


class ReadWriteGate:
    def __init__(self) -> None:
        self._readers = 0
        self._writing = False
        self._changed = anyio.Condition()
        self._writers = anyio.Lock()

    def read(self) -> _Reading:
        """``async with gate.read():`` one request reading (a plain class, not a generator:
        it is entered once per request)."""
        return _Reading(self)

    async def _enter_reader(self) -> None:
        if self._writing:
            async with self._changed:
                while self._writing:
                    await self._changed.wait()
                self._readers += 1
        else:
            self._readers += 1

    async def _leave_reader(self) -> None:
        self._readers -= 1
        if self._writing and self._readers == 0:
            async with self._changed:
                self._changed.notify_all()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[None]:
        """One writer at a time; it waits for the readers in flight, blocks the new ones."""
        async with self._writers:
            self._writing = True
            try:
                async with self._changed:
                    while self._readers:
                        await self._changed.wait()
                yield
            finally:
                async with self._changed:
                    self._writing = False
                    self._changed.notify_all()


class _Reading:
    __slots__ = ("_gate",)

    def __init__(self, gate: ReadWriteGate) -> None:
        self._gate = gate

    async def __aenter__(self) -> None:
        await self._gate._enter_reader()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._gate._leave_reader()
