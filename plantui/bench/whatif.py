"""What-if switches: prototypes of proposed changes, to measure what they would gain.

``python -m plantui.bench.app ... --what-if reparse,eager-watch,keys-memo``

None of these is plantui's behaviour; each patches this process only, so the
benchmark can put a number on a change proposed in docs/benchmark.md before
anyone writes it properly:

- ``reparse``: the dashboard reads a changed file with
  :func:`plantui.incremental.reparse` from the snapshot it read last (a tick
  becomes a marker/field update, no Markdown parse), instead of
  ``parse_lines`` (a chunked re-parse and a full walk and assembly);
- ``eager-watch``: the watcher reports the first event of a burst at once
  instead of after 20 ms of quiet (an atomic save is one event);
- ``keys-memo``: ``item_keys`` computed once per plan (the layout built in the
  worker already has them) instead of three times on the UI thread.
"""

from __future__ import annotations

CHOICES = ("reparse", "eager-watch", "keys-memo")


def enable(names: list[str]) -> None:
    for name in names:
        if name not in CHOICES:
            raise SystemExit(f"--what-if: {name!r} is none of {', '.join(CHOICES)}")
        globals()["_" + name.replace("-", "_")]()


def _reparse() -> None:
    from .. import storage
    from ..config import ConfigError, load_settings
    from ..incremental import reparse
    from ..parser import parse_lines
    from ..source import Lines, decode

    last: dict = {}

    def snapshot(path, raw, st, settings=None):
        if settings is None:
            try:
                settings = load_settings(path)
            except ConfigError as exc:
                raise storage.PlanError(str(exc)) from None
        text, bom = decode(raw)
        lines = Lines.of(text)
        prev = last.get(str(path))
        if prev is not None and prev.settings == settings:
            plan = reparse(prev.plan, prev.lines, lines, settings)
        else:
            plan = parse_lines(lines, settings)
        snap = storage.Snapshot(path, raw, text, bom, lines, plan, settings, st.st_ino, st.st_mtime_ns)
        last[str(path)] = snap
        return snap

    storage.snapshot = snapshot


def _eager_watch() -> None:
    from ..watcher import PlanWatcher

    PlanWatcher.__init__.__kwdefaults__["quiet"] = 0.0


def _keys_memo() -> None:
    from ..ui import changes, layout, live

    real = layout.item_keys
    memo: dict[int, tuple[object, list]] = {}

    def item_keys(plan):
        hit = memo.get(id(plan))
        if hit is not None and hit[0] is plan:
            return hit[1]
        keys = real(plan)
        memo[id(plan)] = (plan, keys)
        while len(memo) > 8:
            memo.pop(next(iter(memo)))
        return keys

    layout.item_keys = changes.item_keys = live.item_keys = item_keys
