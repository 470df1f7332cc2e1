"""The caches of the last plans read, summarized and keyed: a few, fewer of big ones."""

from __future__ import annotations

import threading

from plantui.model import Plan
from plantui.recent import Recent


def plan(items: int) -> Plan:
    return Plan(title="p", items=(None,) * items, sections=(), phases=(), checkpoints=(), fields=())  # type: ignore[arg-type]


def test_a_few_small_plans_are_kept_newest_last():
    recent: Recent[str] = Recent(kept=3, items=1000)
    for name in "abcde":
        recent.add(plan(10), name)
    assert [v for _, v in recent.entries()] == ["c", "d", "e"]
    assert recent.find(lambda p, v: v in "cd")[1] == "d"  # the newest that fits
    assert recent.find(lambda p, v: v == "a") is None


def test_of_big_plans_only_the_newest_are_kept():
    recent: Recent[str] = Recent(kept=4, items=1000, least=2)
    recent.add(plan(10), "small")
    recent.add(plan(900), "big")
    assert len(recent) == 2
    recent.add(plan(900), "bigger")  # 1,810 items: over, but two are always kept
    assert [v for _, v in recent.entries()] == ["big", "bigger"]
    recent.add(plan(5000), "huge")
    assert [v for _, v in recent.entries()] == ["bigger", "huge"]
    one: Recent[str] = Recent(kept=4, items=1000)
    one.add(plan(5000), "huge")
    assert len(one) == 1  # the newest stays whatever its size
    one.add(plan(5), "small")
    assert [v for _, v in one.entries()] == ["small"]


def test_adds_from_many_threads_keep_the_bounds():
    recent: Recent[int] = Recent(kept=5, items=10_000, least=2)

    def add(k: int) -> None:
        for n in range(200):
            recent.add(plan(k * 100), n)
            recent.find(lambda p, v: False)

    threads = [threading.Thread(target=add, args=(k,)) for k in range(1, 9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    entries = recent.entries()
    assert 2 <= len(entries) <= 5
    assert len(entries) == 2 or sum(len(p.items) for p, _ in entries) <= 10_000
