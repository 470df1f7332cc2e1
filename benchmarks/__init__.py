"""plantui's benchmark: how fast the dashboard follows a plan being ticked, at 100 to 100,000 tasks.

``python -m benchmarks`` prints a table (metric × size: plantui's median and
p95, the plain approach's median, the ratio, the target) and writes JSON; see
``docs/benchmark.md`` for what each metric measures and the latest results.

- :mod:`.generate`: plans shaped like the corpus, of any size;
- :mod:`.plain`: the plain approach (one full markdown-it parse on every read);
- :mod:`.app`: the dashboard measured headless in a child process;
- :mod:`.procs`: whole processes: ``plantui status --json``, a real terminal, openspec;
- :mod:`.run`: the orchestration, the table and the JSON.

Nothing here is imported by plantui itself.
"""

from .generate import Generated, generate

__all__ = ["Generated", "generate"]
