"""The plain approach: one full markdown-it-py parse of the whole text on every read.

:func:`enable` switches plantui's fast paths off in this process, so the same
code (CLI, engine, dashboard) runs as a naive implementation would:

- no plan memo (``parser.remember``/``remembered``): every read parses;
- no chunk token cache: ``parse_lines`` is ``build_plan(chunked=False)``, one
  markdown-it parse of the whole text;
- no incremental update (``incremental.fast_update``): a tick parses again.

Everything else (the watcher, the worker threads, the tree that redraws only
changed nodes, the layout) stays as it is: the comparison isolates the parse.
"""

from __future__ import annotations

import sys

from .. import chunks, edits, incremental, parser, storage
from ..config import DEFAULT, Settings
from ..source import Lines

enabled = False


def plain_parse_lines(lines: Lines, settings: Settings = DEFAULT):
    return parser.build_plan(lines, settings, chunked=False)


def enable() -> None:
    """Force the plain path in this process (not undoable: use a child process)."""
    global enabled
    parser.remember = lambda lines, settings, plan: None  # type: ignore[assignment]
    parser.remembered = lambda lines, settings: None  # type: ignore[assignment]
    incremental.remember = parser.remember  # type: ignore[attr-defined]
    incremental.remembered = parser.remembered  # type: ignore[attr-defined]
    incremental.fast_update = lambda old, old_lines, new_lines, settings: None  # type: ignore[assignment]
    for module in (parser, storage, edits, incremental):
        module.parse_lines = plain_parse_lines  # type: ignore[attr-defined]
    chunks.CACHE.clear()
    enabled = True


def main(argv: list[str] | None = None) -> int:
    """``python -m plantui.bench.plain ARGS``: plantui's command line, plain."""
    enable()
    from ..cli import main as cli_main

    return cli_main(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
