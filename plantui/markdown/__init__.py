"""The reading of Markdown: a plan's text in, the raw pieces of a plan out.

One entry point, :func:`read_chunks`: the text read in chunks (:mod:`.chunks`),
each chunk by the fast scanner (:mod:`.scan`) when it can, else by
markdown-it-py's block parser, whose tokens :class:`Walker` reads
(:mod:`.walk`).  The result is :class:`Collected`; line numbers are 0-based.
``Walker(lines, settings).walk(markdown().parse(text))`` is the plain reading
the chunked one always equals (tests/test_scan.py, tests/test_markdown_fixtures.py).
Only :mod:`plantui.parser` imports this package (an import-linter contract).
"""

from .chunks import read_chunks
from .nonbox import add_tasks
from .walk import Collected, RawHeading, RawItem, Walker, markdown

__all__ = ["add_tasks", "Collected", "RawHeading", "RawItem", "Walker", "markdown", "read_chunks"]
