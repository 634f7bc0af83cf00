"""The response cache and the version tracker on their own: plain values, no store."""

from __future__ import annotations

import pytest

from graph.records import GraphVersion
from graph.versions import VersionTracker
from schema.caching import ENTRY_OVERHEAD, AnswerMemo, ResponseCache, response_key


def key(n: int, role: str = "anonymous") -> bytes:
    return response_key(document="{ x }", variables={"n": n}, operation_name=None, role=role)


def test_the_key_ignores_variable_order_but_not_values_roles_or_operations() -> None:
    a = response_key(document="q", variables={"a": 1, "b": 2}, operation_name=None, role="r")
    b = response_key(document="q", variables={"b": 2, "a": 1}, operation_name=None, role="r")
    assert a == b
    assert a != response_key(
        document="q", variables={"a": 1, "b": 3}, operation_name=None, role="r"
    )
    assert a != response_key(
        document="q", variables={"a": 1, "b": 2}, operation_name=None, role="w"
    )
    assert a != response_key(document="q", variables={"a": 1, "b": 2}, operation_name="Q", role="r")
    assert response_key(document="q", variables=None, operation_name=None, role="r") == (
        response_key(document="q", variables={}, operation_name=None, role="r")
    )


def test_the_cache_stays_within_its_bytes_dropping_the_least_recently_used() -> None:
    entry = 1000
    cache = ResponseCache(max_bytes=3 * (entry + ENTRY_OVERHEAD), max_entry_bytes=10_000)
    for n in range(3):
        assert cache.put(key(n), bytes(entry), version=1)
    assert cache.get(key(0), version=1) is not None  # 0 is now the most recently used
    cache.put(key(3), bytes(entry), version=1)
    assert cache.size_bytes <= cache.max_bytes and len(cache) == 3
    assert cache.get(key(1), version=1) is None
    assert cache.get(key(0), version=1) is not None
    assert cache.stats.evicted == 1


def test_an_entry_larger_than_its_share_is_not_kept() -> None:
    cache = ResponseCache(max_bytes=8000)
    assert cache.max_entry_bytes == 1000
    assert not cache.put(key(1), bytes(2000), version=1)
    assert cache.get(key(1), version=1) is None and cache.size_bytes == 0


def test_a_new_graph_version_drops_the_old_entries() -> None:
    cache = ResponseCache(max_bytes=1 << 20)
    cache.put(key(1), b"old", version=1)
    assert cache.get(key(1), version=2) is None
    assert len(cache) == 0 and cache.size_bytes == 0


def test_a_zero_sized_cache_keeps_nothing() -> None:
    cache = ResponseCache(max_bytes=0)
    assert not cache.enabled and not cache.put(key(1), b"x", version=1)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_tracker_asks_the_store_at_most_once_per_interval_and_knows_its_own_writes() -> None:
    reads: list[int] = []
    stored = [GraphVersion(1, None)]

    def read() -> GraphVersion:
        reads.append(1)
        return stored[0]

    clock = Clock()
    tracker = VersionTracker(read, recheck_seconds=2.0, clock=clock)
    assert tracker.known is None and tracker.claim_check()
    assert tracker.refresh() == GraphVersion(1, None)
    stored[0] = GraphVersion(2, "later")  # another process loads
    clock.now += 1.9
    assert not tracker.claim_check() and tracker.known == GraphVersion(1, None)
    clock.now += 0.2
    assert tracker.claim_check()
    assert not tracker.claim_check()  # claimed: concurrent requests keep the known version
    assert tracker.refresh() == GraphVersion(2, "later") and len(reads) == 2
    tracker.note_write(GraphVersion(3, "ours"))
    assert tracker.known == GraphVersion(3, "ours") and not tracker.claim_check()


def test_the_answer_memo_keeps_one_snapshots_answers_and_drops_them_for_the_next() -> None:
    memo = AnswerMemo(size=2)
    first, second = object(), object()
    computed: list[str] = []

    def answer(name: str) -> list[str]:
        computed.append(name)
        return [name]

    a = memo.get(first, ("a",), lambda: answer("a"))
    assert memo.get(first, ("a",), lambda: answer("a")) is a
    assert computed == ["a"] and memo.stats.hits == 1
    memo.get(first, ("b",), lambda: answer("b"))
    memo.get(first, ("a",), lambda: answer("a"))  # "a" is now the most recently used
    memo.get(first, ("c",), lambda: answer("c"))  # so "b" goes
    assert len(memo) == 2 and memo.stats.evicted == 1
    memo.get(first, ("b",), lambda: answer("b"))
    assert computed == ["a", "b", "c", "b"]
    fresh = memo.get(second, ("a",), lambda: answer("a"))
    assert fresh is not a and len(memo) == 1  # another snapshot: nothing of the first kept


def test_the_answer_memo_keeps_no_failure_and_can_be_off() -> None:
    memo = AnswerMemo(size=4)

    def fails() -> int:
        raise ValueError("unknown item")

    with pytest.raises(ValueError):
        memo.get(None, ("x",), fails)
    assert len(memo) == 0
    off = AnswerMemo(size=0)
    assert off.get(None, ("x",), list) is not off.get(None, ("x",), list)
    assert len(off) == 0
