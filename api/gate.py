"""Readers see the graph before a load or after it, never halfway.

A load takes the gate for writing: new requests wait at the door, the ones in flight finish,
the load writes, and the door opens again. Requests do not wait for each other otherwise:
the gate is a counter, not a lock on the request path.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio


class ReadWriteGate:
    def __init__(self) -> None:
        self._readers = 0
        self._writing = False
        self._changed = anyio.Condition()
        self._writers = anyio.Lock()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[None]:
        if self._writing:
            async with self._changed:
                while self._writing:
                    await self._changed.wait()
                self._readers += 1
        else:
            self._readers += 1
        try:
            yield
        finally:
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
